package io.vrouter.server.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A queryable inventory: which table (or view) it lives in, its fields in the order they are shown, its
 * relations, and an optional fixed filter (system tags and user tags share a table, for instance).
 */
public final class Inventory {
    private final String name;
    private final String table;
    private final String primaryKey;
    private final Map<String, QueryField> fields;
    private final Map<String, Expansion> expansions;
    private final String fixedColumn;
    private final String fixedValue;

    private Inventory(Builder b) {
        this.name = b.name;
        this.table = b.table;
        this.primaryKey = b.primaryKey;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(b.fields));
        this.expansions = Collections.unmodifiableMap(new LinkedHashMap<>(b.expansions));
        this.fixedColumn = b.fixedColumn;
        this.fixedValue = b.fixedValue;
        if (!fields.containsKey(primaryKey)) {
            throw new IllegalStateException(name + ": primary key field " + primaryKey + " is not a field");
        }
    }

    public static Builder builder(String name, String table) {
        return new Builder(name, table);
    }

    public String name() {
        return name;
    }

    public String table() {
        return table;
    }

    public String primaryKey() {
        return primaryKey;
    }

    public Map<String, QueryField> fields() {
        return fields;
    }

    public Optional<QueryField> field(String fieldName) {
        return Optional.ofNullable(fields.get(fieldName));
    }

    public Map<String, Expansion> expansions() {
        return expansions;
    }

    public Optional<Expansion> expansion(String expansionName) {
        return Optional.ofNullable(expansions.get(expansionName));
    }

    /** Column and value every row of this inventory has, or null. */
    public String fixedColumn() {
        return fixedColumn;
    }

    public String fixedValue() {
        return fixedValue;
    }

    /** Builds an inventory; fields are shown in the order they are added. */
    public static final class Builder {
        private final String name;
        private final String table;
        private String primaryKey = "uuid";
        private final Map<String, QueryField> fields = new LinkedHashMap<>();
        private final Map<String, Expansion> expansions = new LinkedHashMap<>();
        private String fixedColumn;
        private String fixedValue;

        private Builder(String name, String table) {
            this.name = name;
            this.table = table;
        }

        public Builder primaryKey(String fieldName) {
            this.primaryKey = fieldName;
            return this;
        }

        /** A field whose column is the field name in snake case. */
        public Builder field(String fieldName, FieldType type) {
            return field(fieldName, snakeCase(fieldName), type);
        }

        public Builder field(String fieldName, String column, FieldType type) {
            fields.put(fieldName, new QueryField(fieldName, column, type));
            return this;
        }

        public Builder strings(String... fieldNames) {
            for (String f : fieldNames) {
                field(f, FieldType.STRING);
            }
            return this;
        }

        /** The createDate and lastOpDate every resource has. */
        public Builder dates() {
            field("createDate", FieldType.TIMESTAMP);
            return field("lastOpDate", FieldType.TIMESTAMP);
        }

        public Builder expand(Expansion expansion) {
            expansions.put(expansion.name(), expansion);
            return this;
        }

        public Builder fixed(String column, String value) {
            this.fixedColumn = column;
            this.fixedValue = value;
            return this;
        }

        public Inventory build() {
            return new Inventory(this);
        }

        static String snakeCase(String camel) {
            StringBuilder sb = new StringBuilder();
            for (char c : camel.toCharArray()) {
                if (Character.isUpperCase(c)) {
                    sb.append('_').append(Character.toLowerCase(c));
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }

    /** Every condition-reachable field name, nested ones included, to the given depth: for CLI completion. */
    public List<String> queryableFieldNames(QueryRegistry registry, int depth) {
        List<String> names = new ArrayList<>(fields.keySet());
        if (depth > 0) {
            for (Expansion e : expansions.values()) {
                registry.find(e.target()).ifPresent(target ->
                        target.queryableFieldNames(registry, depth - 1).forEach(n -> names.add(e.name() + "." + n)));
            }
        }
        return names;
    }
}
