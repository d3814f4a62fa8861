package io.vrouter.tools.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener that tells each client the address it sees it from ({@code "peer <ip>"}) and prints the same line, so a
 * test or the demo proves which source address NAT gave a client. Runs inside a namespace as
 * {@code java -cp ... io.vrouter.tools.demo.PeerRecorder <address> <port>[/tcp|/udp|/echo] ...}, one listener per
 * port:
 * <ul>
 *   <li>{@code tcp} (the default): writes the line and closes;</li>
 *   <li>{@code udp}: answers each datagram with the line;</li>
 *   <li>{@code echo}: TCP, writes the line, then echoes every line the client sends until it closes (a long-lived
 *   flow, to show what happens to established connections).</li>
 * </ul>
 */
public final class PeerRecorder {
    private PeerRecorder() {
    }

    /** A listener of the command line: port and mode. */
    public record Listener(int port, String mode) {
        public static Listener tcp(int port) {
            return new Listener(port, "tcp");
        }

        public static Listener udp(int port) {
            return new Listener(port, "udp");
        }

        public static Listener echo(int port) {
            return new Listener(port, "echo");
        }

        static Listener parse(String arg) {
            int slash = arg.indexOf('/');
            return slash < 0 ? tcp(Integer.parseInt(arg)) : new Listener(Integer.parseInt(arg.substring(0, slash)), arg.substring(slash + 1));
        }

        /** As the command line takes it. */
        public String arg() {
            return port + "/" + mode;
        }
    }

    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args[0]);
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            Listener listener = Listener.parse(args[i]);
            Thread t = switch (listener.mode()) {
                case "tcp", "echo" -> {
                    ServerSocket server = new ServerSocket();
                    server.setReuseAddress(true);
                    server.bind(new InetSocketAddress(address, listener.port()));
                    yield new Thread(() -> serveTcp(server, listener.mode().equals("echo")));
                }
                case "udp" -> {
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, listener.port()));
                    yield new Thread(() -> serveUdp(socket));
                }
                default -> throw new IllegalArgumentException("unknown mode in " + args[i] + "; tcp, udp or echo");
            };
            System.out.println("peer recorder listening on " + args[0] + ":" + listener.arg());
            threads.add(t);
        }
        System.out.flush();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void serveTcp(ServerSocket server, boolean echo) {
        while (true) {
            try {
                Socket client = server.accept();
                if (echo) {
                    new Thread(() -> echo(client)).start();
                } else {
                    try (client; OutputStream out = client.getOutputStream()) {
                        out.write(peerLine(client.getInetAddress()));
                        out.flush();
                    }
                }
                System.out.print(new String(peerLine(client.getInetAddress()), StandardCharsets.US_ASCII));
                System.out.flush();
            } catch (IOException e) {
                System.out.println("client failed: " + e);
            }
        }
    }

    private static void echo(Socket client) {
        try (client; OutputStream out = client.getOutputStream();
             BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            out.write(peerLine(client.getInetAddress()));
            out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            System.out.println("echo client failed: " + e);
        }
    }

    private static void serveUdp(DatagramSocket socket) {
        byte[] buffer = new byte[1500];
        while (true) {
            try {
                DatagramPacket request = new DatagramPacket(buffer, buffer.length);
                socket.receive(request);
                byte[] line = peerLine(request.getAddress());
                socket.send(new DatagramPacket(line, line.length, request.getSocketAddress()));
                System.out.print(new String(line, StandardCharsets.US_ASCII));
                System.out.flush();
            } catch (IOException e) {
                System.out.println("datagram failed: " + e);
            }
        }
    }

    private static byte[] peerLine(InetAddress peer) {
        return ("peer " + peer.getHostAddress() + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
