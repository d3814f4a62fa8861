package io.vrouter.server.query;

import io.vrouter.api.QueryCondition;
import io.vrouter.api.QueryOp;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.jooq.impl.DSL.unquotedName;

/**
 * Compiles a query to one SQL statement and loads the inventories' embedded collections in batches.
 *
 * <p>A nested condition such as {@code vmNics.ip=10.0.0.5} becomes a semi-join,
 * {@code t0.uuid IN (SELECT t1.vm_instance_uuid FROM vm_nic t1 WHERE t1.ip = ?)}, so a resource never appears
 * twice in a page however many of its related rows match, and the index on the related column does the work.
 * Embedded collections ({@code vmNics}, {@code allVolumes}) are read with one {@code IN} query per collection
 * per page, never one query per row.
 */
public final class QueryEngine {
    /** Keeps IN lists of batch loads well inside what both databases accept. */
    private static final int BATCH = 1000;
    /**
     * Most relations a condition may walk ({@code vmNics.l3Network.l2Network.zone.name} walks four). Each one is a
     * nested sub-select and a level of recursion here; relations loop ({@code vmNics.vmInstance.vmNics...}), so
     * without a bound a long name overflows the stack and makes a statement no database should be asked to plan.
     */
    public static final int MAX_RELATIONS = 8;
    /** Most values of an {@code in} / {@code not in} list: a longer list is a different question (use a relation). */
    public static final int MAX_LIST_VALUES = 1000;

    private final DSLContext dsl;
    private final QueryRegistry registry;

    public QueryEngine(DSLContext dsl, QueryRegistry registry) {
        this.dsl = dsl;
        this.registry = registry;
    }

    public QueryRegistry registry() {
        return registry;
    }

    public QueryResult query(String inventoryName, QueryRequest request) {
        Inventory inventory = registry.get(inventoryName);
        Table<?> table = table(inventory, "t0");
        Condition where = compileAll(inventory, "t0", request.conditions(), 1);

        Long total = null;
        if (request.count() || request.replyWithCount()) {
            total = dsl.selectCount().from(table).where(where).fetchOne(0, Long.class);
            if (request.count()) {
                return new QueryResult(List.of(), total);
            }
        }
        Shown shownFields = shownFields(inventory, request.fields());
        List<String> shown = shownFields.names();
        Set<String> needed = new LinkedHashSet<>(shown);
        needed.removeIf(name -> inventory.expansion(name).isPresent());
        needed.add(inventory.primaryKey());
        for (String name : shown) {
            inventory.expansion(name).ifPresent(e -> needed.add(e.localField()));
        }
        List<QueryField> selected = needed.stream().map(n -> inventory.field(n).orElseThrow()).toList();

        List<Record> records = dsl.select(columns(selected, "t0")).from(table).where(where)
                .orderBy(sort(inventory, request))
                .limit(request.limit()).offset(request.start())
                .fetch();
        List<Map<String, Object>> rows = toMaps(records, selected);
        for (String name : shown) {
            inventory.expansion(name).ifPresent(e -> embed(e, rows));
        }
        List<Map<String, Object>> inventories = rows.stream().map(row -> project(row, shownFields)).toList();
        return new QueryResult(inventories, total);
    }

    /** All inventories matching the conditions (up to the default limit), every field shown. */
    public List<Map<String, Object>> find(String inventoryName, QueryCondition... conditions) {
        return query(inventoryName, QueryRequest.of(conditions)).inventories();
    }

    public Optional<Map<String, Object>> findByUuid(String inventoryName, String uuid) {
        Inventory inventory = registry.get(inventoryName);
        List<Map<String, Object>> found = find(inventoryName, new QueryCondition(inventory.primaryKey(), "=", uuid));
        return found.stream().findFirst();
    }

    // ---------------------------------------------------------------- compiling conditions

    private Condition compileAll(Inventory inventory, String alias, List<QueryCondition> conditions, int depth) {
        List<Condition> compiled = new ArrayList<>();
        if (inventory.fixedColumn() != null) {
            compiled.add(DSL.field(unquotedName(alias, inventory.fixedColumn()), String.class).eq(inventory.fixedValue()));
        }
        for (QueryCondition c : conditions) {
            QueryOp op = QueryOp.fromWire(c.op()).orElseThrow(() -> new QueryException(
                    "condition on " + c.name() + ": unknown operator '" + c.op() + "'"));
            long relations = c.name().chars().filter(ch -> ch == '.').count();
            if (relations > MAX_RELATIONS) {
                throw new QueryException("condition on " + abbreviate(c.name()) + ": walks " + relations
                        + " relations; a condition may walk at most " + MAX_RELATIONS);
            }
            compiled.add(compile(inventory, alias, c.name(), c.name(), op, c.value(), depth));
        }
        return DSL.and(compiled);
    }

    private Condition compile(Inventory inventory, String alias, String path, String fullPath, QueryOp op,
                              String value, int depth) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            Optional<Expansion> values = inventory.field(path).isEmpty()
                    ? inventory.expansion(path).filter(e -> e.valueField() != null) : Optional.empty();
            if (values.isPresent()) {
                // a list of plain values (a backup storage's attachedZoneUuids, an L3's dns) matches on its values,
                // as in ZStack: attachedZoneUuids=Z finds the backup storages attached to Z
                return compile(inventory, alias, path + "." + values.get().valueField(), fullPath, op, value, depth);
            }
            QueryField field = inventory.field(path).orElseThrow(() -> unknownField(inventory, path, fullPath));
            return compare(field, alias, op, value, fullPath);
        }
        String head = path.substring(0, dot);
        Expansion expansion = inventory.expansion(head).orElseThrow(() -> unknownField(inventory, head, fullPath));
        Inventory target = registry.get(expansion.target());
        String innerAlias = "t" + depth;
        Condition inner = compile(target, innerAlias, path.substring(dot + 1), fullPath, op, value, depth + 1);
        if (target.fixedColumn() != null) {
            inner = inner.and(DSL.field(unquotedName(innerAlias, target.fixedColumn()), String.class).eq(target.fixedValue()));
        }
        Field<Object> local = column(inventory.field(expansion.localField()).orElseThrow(), alias);
        Field<Object> remote = column(target.field(expansion.remoteField()).orElseThrow(), innerAlias);
        return local.in(DSL.select(remote).from(table(target, innerAlias)).where(inner));
    }

    private Condition compare(QueryField field, String alias, QueryOp op, String value, String fullPath) {
        Field<Object> column = column(field, alias);
        if (op.unary()) {
            return op == QueryOp.IS_NULL ? column.isNull() : column.isNotNull();
        }
        if (value == null) {
            throw new QueryException("condition on " + fullPath + " with operator '" + op.wire() + "' needs a value");
        }
        if (op == QueryOp.LIKE || op == QueryOp.NOT_LIKE) {
            if (field.type() != FieldType.STRING) {
                throw new QueryException("condition on " + fullPath + ": 'like' works on text fields only, "
                        + fullPath + " is " + field.type().name().toLowerCase());
            }
            Field<String> text = DSL.field(unquotedName(alias, field.column()), String.class);
            return op == QueryOp.LIKE ? text.like(value) : text.notLike(value);
        }
        if (op.takesList()) {
            String[] items = value.split(",", MAX_LIST_VALUES + 1);
            if (items.length > MAX_LIST_VALUES) {
                throw new QueryException("condition on " + fullPath + " with operator '" + op.wire()
                        + "': more than " + MAX_LIST_VALUES + " values; a list may hold at most " + MAX_LIST_VALUES);
            }
            List<Field<Object>> values = Arrays.stream(items).map(String::trim)
                    .map(v -> typed(field, v, fullPath)).toList();
            return op == QueryOp.IN ? column.in(values) : column.notIn(values);
        }
        Field<Object> typed = typed(field, value, fullPath);
        return switch (op) {
            case EQ -> column.eq(typed);
            case NOT_EQ -> column.ne(typed);
            case GT -> column.gt(typed);
            case GT_OR_EQ -> column.ge(typed);
            case LT -> column.lt(typed);
            case LT_OR_EQ -> column.le(typed);
            default -> throw new IllegalStateException("operator " + op + " not handled");
        };
    }

    @SuppressWarnings("unchecked")
    private static Field<Object> typed(QueryField field, String value, String fullPath) {
        try {
            return DSL.val(field.type().parse(value), (org.jooq.DataType<Object>) field.type().sqlType());
        } catch (IllegalArgumentException e) {
            throw new QueryException("condition on " + fullPath + ": '" + abbreviate(value) + "' is not valid for a "
                    + field.type().name().toLowerCase() + " field (" + e.getMessage() + ")");
        }
    }

    /** A name as quoted back in an error: long hostile names are cut, so a refusal stays small. */
    private static String abbreviate(String name) {
        return name.length() <= 200 ? name : name.substring(0, 200) + "... (" + name.length() + " characters)";
    }

    private QueryException unknownField(Inventory inventory, String name, String fullPath) {
        Set<String> known = new LinkedHashSet<>(inventory.fields().keySet());
        known.addAll(inventory.expansions().keySet());
        return new QueryException("unknown field '" + abbreviate(fullPath) + "' of " + inventory.name() + ": '" + abbreviate(name)
                + "' is not one of " + known);
    }

    // ---------------------------------------------------------------- selecting and shaping

    /**
     * What a query shows: top-level fields in display order, and for an inline collection named with some of its
     * fields ({@code fields=name,vmNics.ip}), only those fields of each element.
     */
    private record Shown(List<String> names, Map<String, List<String>> nested) {
    }

    private Shown shownFields(Inventory inventory, List<String> requested) {
        List<String> all = new ArrayList<>(inventory.fields().keySet());
        inventory.expansions().values().stream().filter(Expansion::inline).map(Expansion::name).forEach(all::add);
        if (requested == null || requested.isEmpty()) {
            return new Shown(all, Map.of());
        }
        Set<String> top = new LinkedHashSet<>();
        Map<String, Set<String>> nested = new LinkedHashMap<>();
        for (String name : requested) {
            int dot = name.indexOf('.');
            if (dot < 0) {
                if (!all.contains(name)) {
                    throw new QueryException("fields: '" + name + "' is not a field of " + inventory.name() + "; fields are " + all);
                }
                top.add(name);
                continue;
            }
            String head = name.substring(0, dot);
            String tail = name.substring(dot + 1);
            Expansion expansion = inventory.expansion(head).filter(e -> e.inline() && e.valueField() == null)
                    .orElseThrow(() -> new QueryException("fields: '" + name + "': '" + head + "' is not a collection of "
                            + inventory.name() + " whose fields can be chosen; fields are " + all));
            Inventory target = registry.get(expansion.target());
            if (target.field(tail).isEmpty()) {
                throw new QueryException("fields: '" + name + "': '" + tail + "' is not a field of " + target.name()
                        + "; fields are " + target.fields().keySet());
            }
            top.add(head);
            nested.computeIfAbsent(head, k -> new LinkedHashSet<>()).add(tail);
        }
        Map<String, List<String>> partial = new LinkedHashMap<>();
        nested.forEach((head, tails) -> {
            if (!requested.contains(head)) { // vmNics with vmNics.ip: the whole collection
                Inventory target = registry.get(inventory.expansion(head).orElseThrow().target());
                partial.put(head, target.fields().keySet().stream().filter(tails::contains).toList());
            }
        });
        return new Shown(all.stream().filter(top::contains).toList(), partial);
    }

    private List<SortField<?>> sort(Inventory inventory, QueryRequest request) {
        List<SortField<?>> order = new ArrayList<>();
        if (request.sortBy() != null) {
            QueryField field = inventory.field(request.sortBy()).orElseThrow(() -> new QueryException(
                    "sortBy: '" + request.sortBy() + "' is not a field of " + inventory.name()
                            + "; fields are " + inventory.fields().keySet()));
            Field<Object> column = column(field, "t0");
            order.add(request.descending() ? column.desc() : column.asc());
        }
        // the primary key last keeps pages stable when sort values tie
        Field<Object> key = column(inventory.field(inventory.primaryKey()).orElseThrow(), "t0");
        order.add(request.descending() && request.sortBy() == null ? key.desc() : key.asc());
        return order;
    }

    private void embed(Expansion expansion, List<Map<String, Object>> rows) {
        Inventory target = registry.get(expansion.target());
        Map<Object, List<Object>> byKey = new HashMap<>();
        List<Object> keys = rows.stream().map(r -> r.get(expansion.localField())).filter(k -> k != null).distinct().toList();
        QueryField remote = target.field(expansion.remoteField()).orElseThrow();
        List<QueryField> selected = new ArrayList<>(target.fields().values());
        for (int from = 0; from < keys.size(); from += BATCH) {
            Collection<Object> chunk = keys.subList(from, Math.min(keys.size(), from + BATCH));
            Condition where = column(remote, "t0").in(chunk);
            if (target.fixedColumn() != null) {
                where = where.and(DSL.field(unquotedName("t0", target.fixedColumn()), String.class).eq(target.fixedValue()));
            }
            List<SortField<?>> order = new ArrayList<>();
            if (expansion.orderField() != null) {
                order.add(column(target.field(expansion.orderField()).orElseThrow(), "t0").asc());
            }
            order.add(column(target.field(target.primaryKey()).orElseThrow(), "t0").asc());
            List<Record> records = dsl.select(columns(selected, "t0")).from(table(target, "t0")).where(where)
                    .orderBy(order).fetch();
            for (Map<String, Object> related : toMaps(records, selected)) {
                Object element = expansion.valueField() != null ? related.get(expansion.valueField()) : related;
                byKey.computeIfAbsent(related.get(expansion.remoteField()), k -> new ArrayList<>()).add(element);
            }
        }
        for (Map<String, Object> row : rows) {
            row.put(expansion.name(), byKey.getOrDefault(row.get(expansion.localField()), List.of()));
        }
    }

    private static Map<String, Object> project(Map<String, Object> row, Shown shown) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : shown.names()) {
            List<String> some = shown.nested().get(name);
            out.put(name, some == null ? row.get(name) : ((List<?>) row.get(name)).stream()
                    .map(element -> project(castMap(element), some)).toList());
        }
        return out;
    }

    private static Map<String, Object> project(Map<String, Object> row, List<String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, row.get(name));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object element) {
        return (Map<String, Object>) element;
    }

    private static List<Map<String, Object>> toMaps(List<Record> records, List<QueryField> selected) {
        List<Map<String, Object>> rows = new ArrayList<>(records.size());
        for (Record record : records) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < selected.size(); i++) {
                QueryField f = selected.get(i);
                row.put(f.name(), f.type().toJson(record.get(i)));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<SelectField<?>> columns(List<QueryField> fields, String alias) {
        return fields.stream().<SelectField<?>>map(f -> column(f, alias)).collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    private static Field<Object> column(QueryField field, String alias) {
        return DSL.field(unquotedName(alias, field.column()), (org.jooq.DataType<Object>) field.type().sqlType());
    }

    private static Table<?> table(Inventory inventory, String alias) {
        return DSL.table(unquotedName(inventory.table())).as(unquotedName(alias));
    }
}
