/*
 * The platform lwIP is compiled for: a hosted C library (lwIP's defaults in lwip/arch.h
 * take the integer types from <stdint.h>), and assertions that end the process with a
 * message naming the harness, since lwIP cannot go on after one.
 */
#ifndef TCP_FSM_ARCH_CC_H
#define TCP_FSM_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif

void tcpfsm_assertion_failed(const char *message, const char *file, int line);
void tcpfsm_diagnostic(const char *format, ...);

/* To stderr: stdout carries the reports. */
#define LWIP_PLATFORM_DIAG(x) do { tcpfsm_diagnostic x; } while (0)
#define LWIP_PLATFORM_ASSERT(message) tcpfsm_assertion_failed((message), __FILE__, __LINE__)

#endif
