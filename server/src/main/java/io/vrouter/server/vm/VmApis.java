package io.vrouter.server.vm;

import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.image.Images;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.l3.L3NetworkRecord;
import io.vrouter.server.l3.L3NetworkState;
import io.vrouter.server.l3.L3Networks;

import java.util.HashSet;
import java.util.List;

/**
 * The VM APIs: the user-facing checks of CreateVmInstance (system images and L3s refuse user VMs, one zone, an
 * enabled user offering), the lifecycle APIs, and the VmInstance, VmNic and Volume inventories.
 */
public final class VmApis {
    private final VmInstances vms;
    private final Images images;
    private final InstanceOfferings offerings;
    private final L3Networks l3Networks;

    public VmApis(L3Networks l3Networks, VmInstances vms, Images images, InstanceOfferings offerings) {
        this.vms = vms;
        this.images = images;
        this.offerings = offerings;
        this.l3Networks = l3Networks;
    }

    VmCreation validate(ApiCall call) {
        InstanceOfferings.OfferingRecord offering = offerings.get(call.string("instanceOfferingUuid"));
        if (!offering.type().equals(InstanceOfferings.USER_VM)) {
            throw ApiException.invalidArgument("instance offering " + offering.uuid() + " is of type " + offering.type()
                    + "; user VMs need a UserVm offering");
        }
        if (!offering.state().equals(InstanceOfferings.ENABLED)) {
            throw ApiException.invalidArgument("instance offering " + offering.uuid() + " is " + offering.state());
        }
        Images.ImageRecord image = images.get(call.string("imageUuid"));
        if (image.system()) {
            throw ApiException.invalidArgument("image " + image.uuid() + " is a system image, for appliances only; user VMs cannot use it");
        }
        if (!image.mediaType().equals(Images.ROOT_VOLUME_TEMPLATE)) {
            throw ApiException.invalidArgument("image " + image.uuid() + " is " + image.mediaType() + "; a VM needs a RootVolumeTemplate image");
        }
        List<String> l3s = call.list("l3NetworkUuids");
        if (new HashSet<>(l3s).size() != l3s.size()) {
            throw ApiException.invalidArgument("parameter l3NetworkUuids: an L3 network is listed twice in " + l3s);
        }
        String zone = call.optString("zoneUuid").orElse(null);
        for (String uuid : l3s) {
            L3NetworkRecord l3 = l3Networks.find(uuid).orElseThrow(() -> ApiException.notFound("L3 network", uuid));
            if (l3.system()) {
                throw ApiException.invalidArgument("L3 network " + uuid + " is a system network; user VMs cannot use it");
            }
            if (!L3NetworkState.Enabled.name().equals(l3.state())) {
                throw ApiException.invalidArgument("L3 network " + uuid + " is " + l3.state());
            }
            if (zone != null && !zone.equals(l3.zoneUuid())) {
                throw ApiException.invalidArgument("L3 networks " + l3s + " are not all in zone " + zone);
            }
            zone = l3.zoneUuid();
        }
        String defaultL3 = call.optString("defaultL3NetworkUuid").orElse(l3s.get(0));
        if (!l3s.contains(defaultL3)) {
            throw ApiException.invalidArgument("defaultL3NetworkUuid " + defaultL3 + " is not one of l3NetworkUuids " + l3s);
        }
        return VmCreation.builder(call.string("name"), VmSpec.USER_VM, zone)
                .description(call.optString("description").orElse(null))
                .placement(call.optString("clusterUuid").orElse(null), call.optString("hostUuid").orElse(null))
                .image(image.uuid(), image.platform())
                .offering(offering.uuid(), offering.cpuNum(), offering.cpuSpeed(), offering.memorySize())
                .l3Networks(l3s)
                .defaultL3(defaultL3)
                .startImmediately(!"CreateStopped".equals(call.string("strategy")))
                .build();
    }

    private Object userVmOperation(ApiCall call, QueryApis queries, java.util.function.Consumer<String> operation) {
        String uuid = call.string("uuid");
        queries.inventory("VmInstance", uuid);
        operation.accept(uuid);
        return Replies.inventory(queries.inventory("VmInstance", uuid));
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        types.register("VmInstanceVO", "vm_instance");
        types.register("VmNicVO", "vm_nic");
        types.register("VolumeVO", "volume");
        registry.register(Inventory.builder("VmNic", "vm_nic")
                .strings("uuid", "vmInstanceUuid", "l3NetworkUuid", "ip", "mac", "netmask", "gateway")
                .field("deviceId", FieldType.INTEGER)
                .strings("metaData")
                .dates()
                .expand(Expansion.one("vmInstance", "VmInstance", "vmInstanceUuid", "uuid"))
                .expand(Expansion.one("l3Network", "L3Network", "l3NetworkUuid", "uuid"))
                .build());
        registry.register(Inventory.builder("Volume", "volume")
                .strings("uuid", "name", "description", "vmInstanceUuid", "rootImageUuid")
                .field("type", "volume_type", FieldType.STRING)
                .strings("format")
                .field("size", FieldType.LONG)
                .field("deviceId", FieldType.INTEGER)
                .strings("state", "status", "installPath", "primaryStorageUuid")
                .dates()
                .expand(Expansion.one("vmInstance", "VmInstance", "vmInstanceUuid", "uuid"))
                .expand(Expansion.one("image", "Image", "rootImageUuid", "uuid"))
                .build());
        registry.register(vmInventory("VmInstance", "vm_instance").build());
        queries.register("QueryVmInstance", "VmInstance", "vm-instances");
        queries.register("QueryVmNic", "VmNic", "vm-instances/nics");
        queries.register("QueryVolume", "Volume", "volumes");

        catalogue.register(ApiDefinition.of("CreateVmInstance", "Create a user VM with one nic per L3 network and start it",
                call -> {
                    // a named host or cluster that does not exist is the caller's mistake (404), not a placement failure
                    call.optString("clusterUuid").ifPresent(uuid -> queries.inventory("Cluster", uuid));
                    call.optString("hostUuid").ifPresent(uuid -> queries.inventory("Host", uuid));
                    return Replies.inventory(queries.inventory("VmInstance", vms.create(validate(call))));
                },
                ApiParam.required("name", ParamType.STRING, "VM name").withRange(1, 255),
                ApiParam.required("instanceOfferingUuid", ParamType.UUID, "CPU and memory"),
                ApiParam.required("imageUuid", ParamType.UUID, "root volume template"),
                ApiParam.required("l3NetworkUuids", ParamType.UUID_LIST, "one nic per L3, in order").withRange(1, 16),
                ApiParam.optional("defaultL3NetworkUuid", ParamType.UUID, "L3 of the default route; default the first"),
                ApiParam.optional("zoneUuid", ParamType.UUID, "zone to create in"),
                ApiParam.optional("clusterUuid", ParamType.UUID, "cluster to create in"),
                ApiParam.optional("hostUuid", ParamType.UUID, "host to create on"),
                ApiParam.optional("strategy", ParamType.STRING, "start at once or leave Created")
                        .withChoices("InstantStart", "CreateStopped").withDefault("InstantStart"),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        ApiParam uuid = ApiParam.required("uuid", ParamType.UUID, "the VM");
        catalogue.register(ApiDefinition.of("StartVmInstance", "Start a stopped VM",
                call -> userVmOperation(call, queries, vms::start), uuid));
        catalogue.register(ApiDefinition.of("StopVmInstance", "Stop a running VM",
                call -> userVmOperation(call, queries, vms::stop), uuid));
        catalogue.register(ApiDefinition.of("RebootVmInstance", "Reboot a running VM",
                call -> userVmOperation(call, queries, vms::reboot), uuid));
        catalogue.register(ApiDefinition.of("DestroyVmInstance", "Destroy a VM and release its addresses",
                call -> {
                    queries.inventory("VmInstance", call.string("uuid"));
                    vms.destroy(call.string("uuid"));
                    return Replies.success();
                }, uuid));
    }

    /**
     * The fields and relations of a VM inventory; the virtual router provider extends it for its own inventory
     * (a view over VMs and its appliance table), so both stay alike.
     */
    public static Inventory.Builder vmInventory(String name, String table) {
        return Inventory.builder(name, table)
                .strings("uuid", "name", "description", "zoneUuid", "clusterUuid", "hostUuid", "lastHostUuid", "imageUuid",
                        "instanceOfferingUuid", "rootVolumeUuid")
                .field("defaultL3NetworkUuid", FieldType.STRING)
                .strings("hypervisorType")
                .field("type", "vm_type", FieldType.STRING)
                .strings("state")
                .field("cpuNum", FieldType.INTEGER)
                .field("cpuSpeed", FieldType.LONG)
                .field("memorySize", FieldType.LONG)
                .strings("allocatorStrategy", "platform")
                .dates()
                .expand(Expansion.inlineMany("vmNics", "VmNic", "uuid", "vmInstanceUuid", "deviceId"))
                .expand(Expansion.inlineMany("allVolumes", "Volume", "uuid", "vmInstanceUuid", "deviceId"))
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .expand(Expansion.one("cluster", "Cluster", "clusterUuid", "uuid"))
                .expand(Expansion.one("host", "Host", "hostUuid", "uuid"))
                .expand(Expansion.one("image", "Image", "imageUuid", "uuid"))
                .expand(Expansion.one("instanceOffering", "InstanceOffering", "instanceOfferingUuid", "uuid"))
                .expand(Expansion.one("rootVolume", "Volume", "rootVolumeUuid", "uuid"));
    }
}
