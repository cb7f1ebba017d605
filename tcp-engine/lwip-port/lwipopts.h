/*
 * lwIP's configuration for the `lwip` conformance target of tcp-fsm (tcp-engine's build.rs
 * compiles lwIP's core with it). Only what the harness needs differs from lwIP's defaults
 * (lwip/opt.h): no operating system, IPv4 and TCP only, the clock is the harness's, and the
 * initial sequence number is fixed so that every run is the same.
 */
#ifndef TCP_FSM_LWIPOPTS_H
#define TCP_FSM_LWIPOPTS_H

/* The raw API, called from one thread; timers run from sys_check_timeouts(), whose sys_now()
 * is the harness's clock (glue.c). */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

/* Memory from the C library, so that a reset between cases cannot run out of pools; through
 * glue.c's tcpfsm_malloc, which makes a listener's PCB block as big as a connection's:
 * tcp_write reads two of a connection PCB's fields before it checks the state, so SEND on a
 * listener (the smaller struct tcp_pcb_listen) would otherwise read past its block. */
#include <stddef.h>
void *tcpfsm_malloc(size_t size);
#define MEM_CUSTOM_ALLOCATOR 1
#define MEM_CUSTOM_MALLOC tcpfsm_malloc
#define MEM_CUSTOM_CALLOC calloc
#define MEM_CUSTOM_FREE free
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8

/* IPv4 and TCP; the peer is on the interface's own subnet, so no ARP, no Ethernet. */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_TCP 1
#define LWIP_UDP 0
#define LWIP_RAW 0
#define LWIP_ICMP 0
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_ACD 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_STATS 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0

/* The ISN of every connection comes from the harness: the same sequence numbers each run
 * (RFC 9293 3.4.1's clock-driven ISN is beside the point of a conformance run). */
unsigned int tcpfsm_iss(void);
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) tcpfsm_iss()

#endif
