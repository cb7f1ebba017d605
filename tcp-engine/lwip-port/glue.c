/*
 * The `lwip` conformance target's side of lwIP (tcp-fsm's own code, compiled with lwIP by
 * tcp-engine's build.rs): the clock, one network interface whose output the harness reads,
 * the callbacks a raw-API connection needs, the state of the connection, and a reset that
 * frees every PCB between cases. Rust binds these by hand in src/conform/lwip/sys.rs.
 *
 * lwIP keeps its state in globals: one stack per process. The Rust side serializes every
 * use behind one lock and calls tcpfsm_reset() before each case.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/priv/tcp_priv.h"

/* Packets the stack sent and the harness has not taken yet; a step sends a handful. */
#define QUEUE 64
#define PACKET 1600

static u32_t now_ms;
static u32_t next_iss;
static struct netif interface;
static int started;
static u8_t queue[QUEUE][PACKET];
static u16_t queue_len[QUEUE];
static int queue_head, queue_count, queue_dropped;
/* The connection the harness made or accepted, NULL once lwIP has freed it (tcp_err). */
static struct tcp_pcb *connection;

u32_t sys_now(void) { return now_ms; }

/* lwIP's allocator (lwipopts.h): the C library's, but a block the size of a listener's PCB
 * (struct tcp_pcb_listen) is made as big as a connection's (struct tcp_pcb), zeroed.
 * tcp_write reads pcb->mss and pcb->snd_wnd_max before tcp_write_checks refuses a PCB that
 * is not connected, and a listener's PCB ends before those fields. With the bigger block the
 * reads stay inside it and read zeros, and the harness can ask lwIP for SEND on a listener
 * and get its answer (ERR_CONN). Only that size: giving every small block (timers, segments)
 * the bigger size made learning lwIP a third slower. */
void *tcpfsm_malloc(size_t size) {
  const size_t listener = MEMP_SIZE + MEMP_ALIGN_SIZE(sizeof(struct tcp_pcb_listen));
  const size_t connection = MEMP_SIZE + MEMP_ALIGN_SIZE(sizeof(struct tcp_pcb));
  return size == listener ? calloc(1, connection) : malloc(size);
}

unsigned int tcpfsm_iss(void) {
  u32_t iss = next_iss;
  next_iss += 0x10000000UL;
  return iss;
}

void tcpfsm_assertion_failed(const char *message, const char *file, int line) {
  fprintf(stderr,
          "lwIP assertion failed at %s:%d: %s\n"
          "the lwip conformance target cannot go on: lwIP's state is inconsistent\n",
          file, line, message);
  fflush(stderr);
  abort();
}

void tcpfsm_diagnostic(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
}

/* netif->output: keeps the IP packet for the harness. */
static err_t capture(struct netif *netif, struct pbuf *p, const ip4_addr_t *next_hop) {
  int slot;
  LWIP_UNUSED_ARG(netif);
  LWIP_UNUSED_ARG(next_hop);
  if (queue_count == QUEUE || p->tot_len > PACKET) {
    queue_dropped++;
    return ERR_OK;
  }
  slot = (queue_head + queue_count) % QUEUE;
  queue_len[slot] = pbuf_copy_partial(p, queue[slot], p->tot_len, 0);
  queue_count++;
  return ERR_OK;
}

static err_t interface_init(struct netif *netif) {
  netif->output = capture;
  netif->mtu = 1500;
  netif->name[0] = 't';
  netif->name[1] = 'f';
  return ERR_OK;
}

/* Starts lwIP once per process, with the interface at `address` (network byte order). */
void tcpfsm_start(u32_t address, u32_t netmask) {
  ip4_addr_t ip, mask, gateway;
  if (started) {
    return;
  }
  started = 1;
  lwip_init();
  ip.addr = address;
  mask.addr = netmask;
  gateway.addr = 0;
  netif_add(&interface, &ip, &mask, &gateway, NULL, interface_init, ip_input);
  netif_set_default(&interface);
  netif_set_link_up(&interface);
  netif_set_up(&interface);
}

/* Advances the clock by `ms`, one TCP timer interval at a time, running due timers. */
void tcpfsm_advance(u32_t ms) {
  u32_t end = now_ms + ms;
  while (now_ms != end) {
    u32_t step = end - now_ms < TCP_TMR_INTERVAL ? end - now_ms : TCP_TMR_INTERVAL;
    now_ms += step;
    sys_check_timeouts();
  }
}

/* Gives the interface one IP packet from the peer. 0, or -1 when no buffer could hold it. */
int tcpfsm_input(const u8_t *packet, u16_t len) {
  struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
  if (p == NULL) {
    return -1;
  }
  pbuf_take(p, packet, len);
  if (interface.input(p, &interface) != ERR_OK) {
    pbuf_free(p);
  }
  return 0;
}

/* Takes the oldest packet the stack sent into `buffer`: its length, or -1 when none is left. */
int tcpfsm_take(u8_t *buffer, u16_t capacity) {
  int len;
  if (queue_count == 0) {
    return -1;
  }
  len = queue_len[queue_head] < capacity ? queue_len[queue_head] : capacity;
  memcpy(buffer, queue[queue_head], (size_t)len);
  queue_head = (queue_head + 1) % QUEUE;
  queue_count--;
  return len;
}

/* Packets lost because the queue was full since the last reset. */
int tcpfsm_dropped(void) { return queue_dropped; }

/* tcp_recv: takes text in at once (opening the window again), and keeps a FIN (p == NULL)
 * as a half-close: lwIP's default handler would close the connection in turn. */
static err_t received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  LWIP_UNUSED_ARG(arg);
  LWIP_UNUSED_ARG(err);
  if (p != NULL) {
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
  }
  return ERR_OK;
}

/* tcp_err: lwIP has freed the connection (a reset, an abort, a timeout). */
static void failed(void *arg, err_t err) {
  LWIP_UNUSED_ARG(arg);
  LWIP_UNUSED_ARG(err);
  connection = NULL;
}

/* Makes `pcb` the connection: our callbacks, Nagle off so a SEND goes out at once. */
void tcpfsm_watch(struct tcp_pcb *pcb) {
  connection = pcb;
  tcp_recv(pcb, received);
  tcp_err(pcb, failed);
  tcp_nagle_disable(pcb);
}

/* tcp_accept: the listener's connection completed its handshake; keep it (lwIP's default
 * handler would abort it). */
static err_t accepted(void *arg, struct tcp_pcb *pcb, err_t err) {
  LWIP_UNUSED_ARG(arg);
  if (err != ERR_OK || pcb == NULL) {
    return ERR_VAL;
  }
  tcpfsm_watch(pcb);
  return ERR_OK;
}

void tcpfsm_watch_listener(struct tcp_pcb *listener) { tcp_accept(listener, accepted); }

static int listed(struct tcp_pcb *list, const struct tcp_pcb *pcb) {
  for (; list != NULL; list = list->next) {
    if (list == pcb) {
      return 1;
    }
  }
  return 0;
}

/* The connection PCB, if lwIP still has it: the one made or accepted, else one the
 * listener made that is not accepted yet (SYN-RECEIVED), else one in TIME-WAIT. A PCB
 * closed by tcp_close is freed by lwIP without a callback, so it is looked up, not kept. */
struct tcp_pcb *tcpfsm_connection(void) {
  if (connection != NULL &&
      (listed(tcp_active_pcbs, connection) || listed(tcp_tw_pcbs, connection) ||
       listed(tcp_bound_pcbs, connection))) {
    return connection;
  }
  if (tcp_active_pcbs != NULL) {
    return tcp_active_pcbs;
  }
  return tcp_tw_pcbs;
}

struct tcp_pcb *tcpfsm_listener(void) { return tcp_listen_pcbs.pcbs; }

/* The state of a PCB this returned (enum tcp_state: CLOSED = 0 ... TIME_WAIT = 10). */
int tcpfsm_state(const struct tcp_pcb *pcb) { return (int)pcb->state; }

/* Frees every PCB without a segment, empties the packet queue and restarts the ISNs. The
 * clock goes on: lwIP's timer list must never see it go back. */
void tcpfsm_reset(void) {
  connection = NULL;
  while (tcp_active_pcbs != NULL) {
    tcp_abandon(tcp_active_pcbs, 0);
  }
  while (tcp_tw_pcbs != NULL) {
    tcp_abandon(tcp_tw_pcbs, 0);
  }
  while (tcp_bound_pcbs != NULL) {
    tcp_abandon(tcp_bound_pcbs, 0);
  }
  while (tcp_listen_pcbs.pcbs != NULL) {
    tcp_close(tcp_listen_pcbs.pcbs);
  }
  queue_head = 0;
  queue_count = 0;
  queue_dropped = 0;
  next_iss = 0x10000000UL;
}
