package io.vrouter.agent; public final class AgentMain { public static void main(String[] a) { System.err.println("agent: not built yet"); System.exit(2);} }
