package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.testing.PostgresServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two management nodes (two server processes) on one PostgreSQL database, driving a {@link MultiHostLab} of four hosts
 * with real host agents (root and PostgreSQL; skipped with the reason printed otherwise): the hosts are split
 * between the nodes (each tracked by exactly one); the node tracking the router's host is SIGKILLed: the other takes
 * every host within the router ping interval, every router and host stays Connected throughout, and a guest still
 * goes out through SNAT. Default settings. Everything of the lab is removed, also after a failure.
 */
@Timeout(900)
class TwoNodesOnPostgresEndToEndTest {
    private static final String PASSWORD = "two-nodes-password";
    private static final Duration ROUTER_PING_INTERVAL = Duration.ofSeconds(15);

    @Test
    void oneNodeSigkilled_theOtherTakesItsHostsWithinThePingInterval_everyRouterStaysConnected() throws Exception {
        String reason = MultiHostLab.unavailableReason();
        PostgresServer pg = PostgresServer.shared().orElse(null);
        if (reason == null && pg == null) {
            reason = "PostgreSQL: " + PostgresServer.unavailableReason();
        }
        if (reason != null) {
            System.out.println("TwoNodesOnPostgresEndToEndTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        String url = pg.newDatabase();
        Path dir = Files.createTempDirectory("vrouter-two-nodes-");
        MultiHostLab lab = MultiHostLab.create(dir.resolve("lab"));
        List<NodeProcess> nodes = new ArrayList<>();
        MultiHostWorld[] world = new MultiHostWorld[1];
        NetnsTeardownRunner.run(() -> {
            NodeProcess a = NodeProcess.start(dir.resolve("a"), freePort(), PASSWORD, dir.resolve("a.log"), url);
            nodes.add(a);
            world[0] = new MultiHostWorld(a.api, lab, 4, dir.resolve("outside"), step -> System.out.println("two-nodes: " + step));
            MultiHostWorld w = world[0];
            JsonNode guest = w.guestOn("guest", w.host(2));
            JsonNode router = w.routersOn(w.guestL3).get(0);
            String routerUuid = router.get("uuid").asText();
            String routerHost = router.get("hostUuid").asText();
            GuestProbe probe = w.probe(guest);
            String guestIp = SeedWorld.ipOn(guest, w.guestL3);
            assertThat(GuestProbe.await(Duration.ofSeconds(60), () -> guestIp.equals(probe.address()) ? guestIp : null)).isEqualTo(guestIp);

            // a second node on the same database, with the installation's authority (docs/operations.md)
            copyTls(dir.resolve("a"), dir.resolve("b"));
            NodeProcess b = NodeProcess.start(dir.resolve("b"), freePort(), PASSWORD, dir.resolve("b.log"), url);
            nodes.add(b);
            Map<String, String> owners = GuestProbe.await(Duration.ofSeconds(60), () -> {
                Map<String, String> o = owners(url);
                return o.size() == 4 && new java.util.HashSet<>(o.values()).size() == 2 ? o : null;
            });
            assertThat(owners).as("the four hosts split between the two nodes, each host tracked by one").isNotNull();
            List<String> nodeUuids = nodesByJoinDate(url); // a, then b
            String victimUuid = owners.get(routerHost);
            NodeProcess victim = victimUuid.equals(nodeUuids.get(0)) ? a : b;
            NodeProcess survivor = victim == a ? b : a;
            String survivorUuid = victim == a ? nodeUuids.get(1) : nodeUuids.get(0);
            System.out.println("two-nodes: hosts per node " + owners + "; killing the node tracking the router's host");

            ConcurrentLinkedQueue<String> notConnected = new ConcurrentLinkedQueue<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        for (JsonNode r : survivor.api.query("QueryVirtualRouterVm")) {
                            if (!"Connected".equals(r.get("status").asText())) {
                                notConnected.add(r.get("name").asText() + " was " + r.get("status").asText());
                            }
                        }
                        for (JsonNode h : survivor.api.query("QueryHost")) {
                            if (!"Connected".equals(h.get("status").asText())) {
                                notConnected.add(h.get("name").asText() + " was " + h.get("status").asText());
                            }
                        }
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        notConnected.add("the survivor did not answer: " + e.getMessage());
                    }
                }
            });
            sampler.start();
            try {
                long killed = System.nanoTime();
                victim.kill();
                String all = GuestProbe.await(ROUTER_PING_INTERVAL, () -> {
                    Map<String, String> o = owners(url);
                    return o.size() == 4 && o.values().stream().allMatch(survivorUuid::equals) ? "yes" : null;
                });
                double tookS = (System.nanoTime() - killed) / 1e9;
                System.out.printf("two-nodes: the survivor tracks every host %.1f s after the SIGKILL%n", tookS);
                assertThat(all).as("the survivor tracks every host within the router ping interval").isEqualTo("yes");
                Thread.sleep(Duration.ofSeconds(20).toMillis()); // past a router ping interval and several host pings
            } finally {
                sampling.set(false);
                sampler.join();
            }
            assertThat(notConnected).as("routers and hosts seen not Connected").isEmpty();
            JsonNode after = survivor.api.query("QueryVirtualRouterVm", "uuid", "=", routerUuid).get(0);
            assertThat(after.get("hostUuid").asText()).as("nothing moved").isEqualTo(routerHost);
            assertThat(GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)))
                    .as("SNAT through the router").isEqualTo(SeedWorld.ipOn(router, w.publicL3));
        }, () -> nodes.forEach(n -> {
            try {
                n.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), () -> {
            if (world[0] != null) {
                world[0].close();
            }
        }, lab::close, () -> FileTrees.delete(dir), () -> assertThat(lab.leftovers()).as("namespaces and links of the lab left").isEmpty());
    }

    /** Runs the body, then every clean-up step even after a failure; the first failure is thrown with the rest. */
    private static final class NetnsTeardownRunner {
        interface Body {
            void run() throws Exception;
        }

        static void run(Body body, Runnable... cleanUp) throws Exception {
            Exception failure = null;
            try {
                body.run();
            } catch (Exception | Error e) {
                failure = e instanceof Exception ex ? ex : new RuntimeException(e);
            }
            try {
                NetnsTeardown.run(null, cleanUp);
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Host uuid -> the node whose lease on it holds now (by the database's clock). */
    private static Map<String, String> owners(String url) {
        Map<String, String> owners = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select host_uuid, management_node_uuid from host_tracker where management_node_uuid is not null"
                     + " and expire_ms > (extract(epoch from clock_timestamp()) * 1000)")) {
            while (r.next()) {
                owners.put(r.getString(1), r.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return owners;
    }

    private static List<String> nodesByJoinDate(String url) {
        List<String> nodes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select uuid from management_node order by join_date, heart_beat_ms")) {
            while (r.next()) {
                nodes.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return nodes;
    }

    private static void copyTls(Path from, Path to) throws Exception {
        Path tls = to.resolve("tls");
        Files.createDirectories(tls, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        try (Stream<Path> files = Files.list(from.resolve("tls"))) {
            for (Path f : files.toList()) {
                Files.copy(f, tls.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
