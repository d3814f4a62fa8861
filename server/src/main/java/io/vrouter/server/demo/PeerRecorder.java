package io.vrouter.server.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP listener for the outside world: tells each client the address it sees it from ({@code "peer <ip>"}) and
 * prints the same line, so a test or the demo proves which source address SNAT gave a guest. Runs inside a namespace
 * as {@code java -cp ... io.vrouter.server.demo.PeerRecorder <address> <port>}.
 */
public final class PeerRecorder {
    private PeerRecorder() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            System.out.println("peer recorder listening on " + args[0] + ":" + args[1]);
            System.out.flush();
            while (true) {
                try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                    String line = "peer " + client.getInetAddress().getHostAddress() + "\n";
                    out.write(line.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    System.out.print(line);
                    System.out.flush();
                } catch (IOException e) {
                    System.out.println("client failed: " + e);
                }
            }
        }
    }
}
