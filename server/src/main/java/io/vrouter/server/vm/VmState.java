package io.vrouter.server.vm;

/** ZStack's VM states. Transitional states are written while an operation runs, so a crash leaves a trace. */
public enum VmState {
    Created, Starting, Running, Stopping, Stopped, Rebooting, Destroying, Destroyed,
    /** A VM on a host whose agent stopped answering: it may well run, nobody can tell (ZStack's Unknown). */
    Unknown
}
