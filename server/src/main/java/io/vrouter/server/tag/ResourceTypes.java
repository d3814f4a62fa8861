package io.vrouter.server.tag;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static io.vrouter.server.db.Columns.field;

/**
 * ZStack's resource type names ({@code VmInstanceVO}, {@code InstanceOfferingVO}...) and the table each lives in,
 * so a tag can only be put on a resource that exists. Resource packages register their types.
 */
public final class ResourceTypes {
    private final DSLContext dsl;
    private final Map<String, String> tableByType = new ConcurrentHashMap<>();

    public ResourceTypes(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** @param table a table with a {@code uuid} column holding the resources of this type */
    public void register(String resourceType, String table) {
        tableByType.put(resourceType, table);
    }

    public boolean isKnown(String resourceType) {
        return tableByType.containsKey(resourceType);
    }

    public java.util.Set<String> known() {
        return new TreeMap<>(tableByType).keySet();
    }

    public boolean exists(String resourceType, String uuid) {
        String table = Optional.ofNullable(tableByType.get(resourceType))
                .orElseThrow(() -> new IllegalArgumentException("unknown resource type " + resourceType));
        return dsl.fetchExists(DSL.table(DSL.unquotedName(table)),
                field("uuid", String.class).eq(uuid));
    }
}
