package io.vrouter.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.dataplane.Dataplane;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.Ha;
import io.vrouter.agent.ha.KeepalivedHa;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.http.AgentServer;
import io.vrouter.agent.linux.LinuxDataplane;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.tls.AgentTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar vrouter-agent.jar --config FILE}: runs one agent until SIGTERM ({@code --spare DIR}: the same, once
 * a host agent hands a config over to this warm spare, {@link WarmSpare}). On stop it closes the HTTP
 * server, then the dataplane (dnsmasq stops; the nftables table stays unless {@code cleanOnStop}).
 */
@Command(name = "vrouter agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Runs the virtual router agent until SIGTERM.")
public final class AgentMain implements Callable<Integer> {

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    private Start start;

    /** Where the config comes from: a file now, or a host agent's hand-over later. */
    static final class Start {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "the agent's configuration (JSON)")
        private Path configFile;

        @Option(names = "--spare", paramLabel = "DIR", required = true, description = "boot as a warm spare (started by a"
                + " host agent before its router exists): warm up, then wait for the path of the configuration in DIR/handoff")
        private Path spareDir;
    }

    public static void main(String[] args) {
        int code = new CommandLine(new AgentMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (start.spareDir != null) {
            configureLogging("info"); // until its config says otherwise: the warm-up's debug lines are noise
        }
        Path configFile = start.spareDir != null ? WarmSpare.awaitConfig(start.spareDir) : start.configFile;
        AgentConfig config;
        try {
            config = AgentConfig.load(configFile);
        } catch (IllegalArgumentException e) {
            System.err.println("vrouter agent: " + e.getMessage());
            return 2;
        }
        configureLogging(config.logLevel());
        Files.createDirectories(config.dataDirPath());

        SSLContext tls;
        io.vrouter.agent.tls.TlsIdentity identity;
        try {
            identity = config.tls() == null ? null : config.tls().read();
            tls = identity == null ? null : AgentTls.agentContext(identity);
        } catch (RuntimeException e) {
            System.err.println("vrouter agent: cannot load its TLS identity: " + e.getMessage());
            return 2;
        }
        if (tls == null) {
            LoggerFactory.getLogger(AgentMain.class).warn("serving plain HTTP (plainHttp: true): commands and the"
                    + " secret travel in clear; only for a lab");
        }
        Dataplane dataplane = config.dataplane().equals("linux")
                ? new LinuxDataplane(new LinuxDataplane.Settings(config.dataDirPath(), config.listenAddress(),
                        config.port(), config.cleanOnStop(), config.managementNodeAddresses()), new CommandRunner(Duration.ofSeconds(30)))
                : new RecordingDataplane();
        Ha ha = dataplane instanceof LinuxDataplane linux
                ? new KeepalivedHa(config.name(), config.dataDirPath().resolve("ha"), new CommandRunner(Duration.ofSeconds(10)))
                : new RecordingHa();
        if (dataplane instanceof LinuxDataplane linux) {
            linux.vipAddressesFloatWhen(ha::holdsVipAddresses);
        }
        Agent agent = new Agent(config.name(), config.secret(), dataplane, AgentIdentity.ofRunningCode(), ha);
        // with TLS, the node may rotate the certificate while the agent runs: the new one replaces the files
        AgentServer server = identity == null ? AgentServer.start(agent, config.listenAddress(), config.port(), tls)
                : AgentServer.start(agent, config.listenAddress(), config.port(), identity, config.tls()::write);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                ha.close();
                dataplane.close();
            } finally {
                stopped.countDown();
            }
        }, "agent-shutdown"));
        System.out.println("vrouter agent " + config.name() + " listening on " + (tls == null ? "http" : "https") + "://" + config.listenAddress() + ":"
                + server.port() + " (dataplane " + dataplane.name() + ", data dir " + config.dataDir() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The version the running code reports, as the management node sees it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vrouter agent " + AgentIdentity.ofRunningCode().version()};
        }
    }

    private static void configureLogging(String level) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        // the HTTP stack's own debug output drowns the agent's
        ((Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("io.javalin")).setLevel(Level.WARN);
    }
}
