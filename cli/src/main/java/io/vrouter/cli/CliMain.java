package io.vrouter.cli; public final class CliMain { public static void main(String[] a) { System.err.println("cli: not built yet"); System.exit(2);} }
