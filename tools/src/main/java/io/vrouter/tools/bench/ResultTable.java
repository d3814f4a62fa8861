package io.vrouter.tools.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns, printed as Markdown so it pastes into docs/benchmarks.md as is. */
final class ResultTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    ResultTable(String... header) {
        this.header = List.of(header);
    }

    ResultTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(c instanceof Double d ? format(d) : String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    static String format(double value) {
        return value >= 100 ? String.format("%.0f", value) : value >= 10 ? String.format("%.1f", value) : String.format("%.2f", value);
    }

    /** A latency row: what was measured, the target, the statistics and the verdict. */
    static String verdict(double measured, double target) {
        return measured < target ? "met" : "MISSED";
    }

    void print(PrintStream out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        out.println(line(header, widths));
        StringBuilder rule = new StringBuilder("|");
        for (int w : widths) {
            rule.append(' ').append("-".repeat(w)).append(" |");
        }
        out.println(rule);
        rows.forEach(r -> out.println(line(r, widths)));
        out.flush();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            sb.append(' ').append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length())).append(" |");
        }
        return sb.toString();
    }
}
