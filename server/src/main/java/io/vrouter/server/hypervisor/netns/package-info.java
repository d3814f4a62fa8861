/**
 * The netns hypervisor: real VMs on one Linux host, as root, without virtualization. An L2 network is a Linux
 * bridge, a VM a network namespace with one veth per nic; user VMs run busybox udhcpc, appliance VMs the real agent
 * jar. Everything it creates carries a per-installation name prefix. {@code NetnsHypervisor} implements the SPI by
 * composing one piece per job (fabric, VM namespaces, guest DHCP clients, router agents, process supervision,
 * clean-up), each given the host it acts on. See docs/netns.md.
 */
package io.vrouter.server.hypervisor.netns;
