package io.vrouter.server; public final class ServerMain { public static void main(String[] a) {} }
