package io.vrouter.cli.command;

import io.vrouter.cli.schema.ApiSchema;
import io.vrouter.cli.schema.ApiSpec;
import io.vrouter.cli.schema.ParamSpec;
import io.vrouter.cli.syntax.ApiCall;
import io.vrouter.cli.syntax.QueryWordParser;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The texts of {@code --help}, {@code help} and {@code help API}. */
public final class Help {

    /** The general usage, also printed by {@code --help} without contacting the server. */
    public static final String USAGE = """
            usage: vrouter cli [API [key=value ...]]     run one API and print its JSON reply
                   vrouter cli                           open the interactive shell (Tab completes)
                   vrouter cli help [API]                list the APIs, or describe one

            Server:  VROUTER_URL (default %s)
            Session: LogInByAccount accountName=admin password=... stores the session in ~/.vrouter/session;
                     later commands send it; LogOut forgets it.
            Values:  lists are comma-separated (l3NetworkUuids=a,b); maps are literals, quoted for the shell:
                     networkServices="{'<providerUuid>':['DHCP','SNAT']}"; quote values with spaces: name="my vm".
            Queries: FIELD<op>VALUE with = != > >= < <= ?= (in, a,b) !?= (not in) ~= (like) !~= (not like),
                     FIELD=null, FIELD!=null; nested fields such as vmNics.ip; reserved keys count=true limit=N
                     start=N replyWithCount=true sortBy=FIELD sortDirection=asc|desc fields=a,b.
            Exit:    0 success, 1 API error (the error JSON is printed), 2 usage error or server unreachable.
            """.formatted(io.vrouter.client.ApiClient.DEFAULT_URL);

    private final PrintWriter out;

    Help(PrintWriter out) {
        this.out = out;
    }

    void usage() {
        out.print(USAGE);
    }

    /** All API names, wrapped, so one screen shows what exists. */
    void apiList(ApiSchema schema) {
        out.println();
        out.println("APIs (" + schema.apiNames().size() + "):");
        StringBuilder line = new StringBuilder(" ");
        for (String name : schema.apiNames()) {
            if (line.length() + name.length() + 1 > 110) {
                out.println(line);
                line = new StringBuilder(" ");
            }
            line.append(' ').append(name);
        }
        out.println(line);
    }

    void api(ApiSpec spec) {
        out.println(spec.name() + (spec.description().isEmpty() ? "" : " - " + spec.description()));
        if (ApiCall.isQuery(spec.name())) {
            out.println("conditions: FIELD<op>VALUE, op one of " + String.join(" ", QueryWordParser.OPERATORS)
                    + ", or FIELD=null FIELD!=null");
            out.println("fields:     " + (spec.queryableFields().isEmpty() ? "(not listed by the server)"
                    : String.join(" ", spec.queryableFields())));
            out.println("reserved:   " + String.join(" ", QueryWordParser.RESERVED_KEYS));
            return;
        }
        if (spec.params().isEmpty()) {
            out.println("no parameters");
            return;
        }
        int width = spec.params().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (ParamSpec p : spec.params().values()) {
            StringBuilder line = new StringBuilder("  ").append(pad(p.name(), width)).append("  ")
                    .append(pad(p.type() + (p.itemType() != null ? "<" + p.itemType() + ">" : ""), 14)).append(' ')
                    .append(p.required() ? "required  " : "optional  ");
            if (!p.choices().isEmpty()) {
                line.append("choices: ").append(String.join(", ", p.choices())).append("  ");
            }
            if (p.defaultValue() != null) {
                line.append("default: ").append(p.defaultValue()).append("  ");
            }
            line.append(p.description());
            out.println(line.toString().stripTrailing());
        }
    }

    /** ", did you mean: A, B" for names sharing a prefix or contained in each other, else empty. */
    String closeNames(ApiSchema schema, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String head = lower.substring(0, Math.min(lower.length(), 6));
        List<String> close = schema.apiNames().stream()
                .filter(n -> {
                    String l = n.toLowerCase(Locale.ROOT);
                    return l.contains(lower) || lower.contains(l) || l.startsWith(head);
                })
                .limit(8).toList();
        return close.isEmpty() ? "" : "; did you mean: " + String.join(", ", close);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
