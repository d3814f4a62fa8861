package io.vrouter.server.config;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import org.jooq.DSLContext;
import org.jooq.Field;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.config.ConfigTables.GLOBAL_CONFIG;

/**
 * The global configurations: definitions registered by packages, values kept in the {@code global_config} table
 * and cached here, because some are read on every API call (the session timeout). Listeners learn of updates.
 */
public final class GlobalConfigs {
    private static final Field<String> CATEGORY = field("category", String.class);
    private static final Field<String> DEFAULT_VALUE = field("default_value", String.class);
    private static final Field<String> VALUE = field("config_value", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Map<String, GlobalConfigDefinition> definitions = new ConcurrentHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

    public GlobalConfigs(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Registers a definition and loads its stored value; a stored value no longer valid falls back to the default. */
    public void define(GlobalConfigDefinition definition) {
        if (definitions.putIfAbsent(definition.key(), definition) != null) {
            throw new IllegalStateException("global config " + definition.key() + " is defined twice");
        }
        LocalDateTime now = clock.utcNow();
        String stored = dsl.select(VALUE).from(GLOBAL_CONFIG)
                .where(CATEGORY.eq(definition.category()).and(NAME.eq(definition.name())))
                .fetchOne(VALUE);
        if (stored == null) {
            // two nodes starting together may both insert; the loser just reads the winner's row
            try {
                dsl.insertInto(GLOBAL_CONFIG).columns(CATEGORY, NAME, DESCRIPTION, DEFAULT_VALUE, VALUE, CREATE_DATE, LAST_OP_DATE)
                        .values(definition.category(), definition.name(), definition.description(),
                                definition.defaultValue(), definition.defaultValue(), now, now)
                        .execute();
            } catch (org.jooq.exception.DataAccessException e) {
                if (!dsl.fetchExists(GLOBAL_CONFIG, CATEGORY.eq(definition.category()).and(NAME.eq(definition.name())))) {
                    throw e;
                }
            }
            stored = definition.defaultValue();
        } else {
            dsl.update(GLOBAL_CONFIG).set(DESCRIPTION, definition.description()).set(DEFAULT_VALUE, definition.defaultValue())
                    .where(CATEGORY.eq(definition.category()).and(NAME.eq(definition.name()))).execute();
            if (definition.problemWith(stored) != null) {
                stored = definition.defaultValue();
            }
        }
        values.put(definition.key(), stored);
    }

    public String value(String category, String name) {
        String v = values.get(category + "/" + name);
        if (v == null) {
            throw new IllegalStateException("global config " + category + "/" + name + " is not defined");
        }
        return v;
    }

    public int intValue(String category, String name) {
        return Integer.parseInt(value(category, name).trim());
    }

    public long longValue(String category, String name) {
        return Long.parseLong(value(category, name).trim());
    }

    public boolean boolValue(String category, String name) {
        return Boolean.parseBoolean(value(category, name));
    }

    /** Called with the new value after each successful update. */
    public void onUpdate(String category, String name, Consumer<String> listener) {
        listeners.computeIfAbsent(category + "/" + name, k -> new CopyOnWriteArrayList<>()).add(listener);
    }

    public void update(String category, String name, String value) {
        GlobalConfigDefinition definition = definitions.get(category + "/" + name);
        if (definition == null) {
            throw ApiException.invalidArgument("there is no global config " + category + "/" + name
                    + "; configs of category " + category + " are "
                    + definitions.values().stream().filter(d -> d.category().equals(category)).map(GlobalConfigDefinition::name).sorted().toList());
        }
        String problem = definition.problemWith(value);
        if (problem != null) {
            throw ApiException.invalidArgument("global config " + definition.key() + ": " + problem);
        }
        String normalized = value.trim();
        dsl.update(GLOBAL_CONFIG).set(VALUE, normalized).set(LAST_OP_DATE, clock.utcNow())
                .where(CATEGORY.eq(category).and(NAME.eq(name))).execute();
        values.put(definition.key(), normalized);
        listeners.getOrDefault(definition.key(), List.of()).forEach(l -> l.accept(normalized));
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        registry.register(Inventory.builder("GlobalConfig", "global_config").primaryKey("name")
                .strings("category", "name", "description")
                .field("defaultValue", FieldType.STRING)
                .field("value", "config_value", FieldType.STRING)
                .dates()
                .build());
        queries.register("QueryGlobalConfig", "GlobalConfig", "global-configurations");
        catalogue.register(ApiDefinition.of("UpdateGlobalConfig", "Change the value of a global configuration",
                call -> {
                    update(call.string("category"), call.string("name"), call.string("value"));
                    return Replies.inventory(queries.find("GlobalConfig",
                            new io.vrouter.api.QueryCondition("category", "=", call.string("category")),
                            new io.vrouter.api.QueryCondition("name", "=", call.string("name"))).get(0));
                },
                ApiParam.required("category", ParamType.STRING, "the config's category, e.g. virtualRouter").withRange(1, 64),
                ApiParam.required("name", ParamType.STRING, "the config's name, e.g. command.parallelismDegree").withRange(1, 128),
                ApiParam.required("value", ParamType.STRING, "the new value").withRange(0, 1024)));
    }
}
