/*
 * wsconn.h - wsload's connection state, WebSocket frame parser/writer and window accounting
 * (included by wsload.c only). One conn_t per connection (~330 B); the parser is streaming and
 * keeps only the first PRE bytes of each data frame, which is where the latency fields are read.
 *
 * REPORT prints one JSON line:
 *   {"open","errors","peer_closed","stalled","stalled_closed","secs","msgs","bytes","msgs_per_s",
 *    "lat_n","lat_us":{...},"e2e_us":{...},"ttff_us":{...}}
 * msgs/bytes count data frames (text, binary, continuation) and their payload bytes in the window;
 * lat_us/e2e_us/ttff_us are histograms printed by hprint() (wsstats.h).
 */
#ifndef WSCONN_H
#define WSCONN_H
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wsstats.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#define PRE 160
/* Longest -M marker (the -S scan keeps its last MARKER_MAX - 1 bytes per connection). */
#define MARKER_MAX 32

enum { MK_SEARCH = 0, MK_DIGITS, MK_DONE };

enum { ST_FREE = 0, ST_CONNECTING, ST_UPGRADING, ST_OPEN, ST_CLOSED };

typedef struct {
    int fd;
    uint8_t st, fh_len, fh_need, in_payload, opcode, pre_len, ctl_len, crlf;
    uint8_t nframes, est, stall, stalled;
    uint16_t req_off;
    uint8_t hdr[14];
    uint8_t ctl[125];
    uint8_t pre[PRE];
    /* -S: the marker searched over the whole payload, chunk by chunk (scan_marker) */
    uint8_t mk_state, mk_tail_len;
    uint8_t mk_tail[MARKER_MAX];
    uint64_t remaining, t0, mk_t;
} conn_t;

static const char *host = "127.0.0.1", *path = "/", *marker;
static size_t marker_len;
static int scan_all; /* -S: the marker may sit anywhere in a frame, not only in its first PRE bytes */
static int port = 9001, target = 1000, inflight_max = 256, max_secs = 300;
static int src_first = 1, per_src = 20000, ramp_only, wait_frames, stall_rcvbuf;
static double stall_frac;
static char **first_msgs;
static int n_first_msgs;
static conn_t *conns;
static int epfd;
static char req[512];
static int req_len;

static long n_open, n_inflight, n_started, n_errors, n_closed_by_peer, n_stalled, n_stalled_closed;
static uint64_t t_ramp_start;
static int ready_printed;

static uint64_t w_msgs, w_bytes, w_start;
static hist_t h_lat, h_e2e, h_ttff;

static int is_stall_index(int i) { return stall_frac > 0 && floor((i + 1) * stall_frac) > floor(i * stall_frac); }

static void mark(void) {
    w_msgs = w_bytes = 0;
    hreset(&h_lat);
    hreset(&h_e2e);
    w_start = mono_us();
}

static void report(void) {
    double secs = (mono_us() - w_start) / 1e6;
    printf("{\"open\":%ld,\"errors\":%ld,\"peer_closed\":%ld,\"stalled\":%ld,\"stalled_closed\":%ld,\"secs\":%.3f,\"msgs\":%llu,"
           "\"bytes\":%llu,\"msgs_per_s\":%.1f,\"lat_n\":%llu,\"lat_us\":",
           n_open, n_errors, n_closed_by_peer, n_stalled, n_stalled_closed, secs, (unsigned long long)w_msgs,
           (unsigned long long)w_bytes, secs > 0 ? w_msgs / secs : 0, (unsigned long long)h_lat.n);
    hprint(stdout, &h_lat);
    printf(",\"e2e_us\":");
    hprint(stdout, &h_e2e);
    printf(",\"ttff_us\":");
    hprint(stdout, &h_ttff);
    printf("}\n");
    fflush(stdout);
}

static int load_first_msgs(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int room = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        if (n_first_msgs == room) { room = room ? room * 2 : 1024; first_msgs = realloc(first_msgs, room * sizeof *first_msgs); }
        first_msgs[n_first_msgs++] = strdup(line);
    }
    free(line);
    fclose(f);
    return n_first_msgs ? 0 : -1;
}

static void conn_fail(conn_t *c, int peer) {
    if (c->st == ST_CLOSED || c->st == ST_FREE) return;
    if (c->est) { n_open--; if (peer) n_closed_by_peer++; }
    else { n_inflight--; n_errors++; }
    if (c->stalled) n_stalled--;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->st = ST_CLOSED;
}

static void established(conn_t *c) {
    c->est = 1;
    n_inflight--;
    n_open++;
    hadd(&h_ttff, mono_us() - c->t0);
}

/* One masked frame to the server; small frames only (a pong, a first message). */
static int write_frame(conn_t *c, uint8_t op, const uint8_t *p, size_t len) {
    uint8_t f[14 + 4096];
    if (len > 4096) return -1;
    size_t h = 0;
    f[h++] = 0x80 | op;
    if (len < 126) f[h++] = 0x80 | (uint8_t)len;
    else { f[h++] = 0x80 | 126; f[h++] = (uint8_t)(len >> 8); f[h++] = (uint8_t)len; }
    static const uint8_t m[4] = {0x1f, 0x2e, 0x3d, 0x4c};
    memcpy(f + h, m, 4);
    h += 4;
    for (size_t i = 0; i < len; i++) f[h + i] = p[i] ^ m[i & 3];
    ssize_t w = write(c->fd, f, h + len);
    return w == (ssize_t)(h + len) ? 0 : -1;
}
static int send_text(conn_t *c, const char *s, size_t len) { return write_frame(c, 0x1, (const uint8_t *)s, len); }

/* The digits after a found marker, which may continue in the next chunk. */
static void marker_digits(conn_t *c, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') { c->mk_state = MK_DONE; return; }
        c->mk_t = c->mk_t * 10 + (uint64_t)(p[i] - '0');
    }
}

/* -S: looks for the marker in one chunk of a frame's payload, including a marker split across
 * the previous chunk and this one (the last marker_len - 1 bytes seen are kept). */
static void scan_marker(conn_t *c, const uint8_t *p, size_t n) {
    if (c->mk_state == MK_DONE || n == 0) return;
    if (c->mk_state == MK_DIGITS) { marker_digits(c, p, n); return; }
    size_t keep = marker_len - 1, head = n < keep ? n : keep;
    if (c->mk_tail_len) {
        uint8_t joint[2 * MARKER_MAX];
        memcpy(joint, c->mk_tail, c->mk_tail_len);
        memcpy(joint + c->mk_tail_len, p, head);
        const uint8_t *m = memmem(joint, c->mk_tail_len + head, marker, marker_len);
        if (m) {
            size_t after = (size_t)(m - joint) + marker_len - c->mk_tail_len;
            c->mk_state = MK_DIGITS;
            marker_digits(c, p + after, n - after);
            return;
        }
    }
    const uint8_t *m = memmem(p, n, marker, marker_len);
    if (m) {
        c->mk_state = MK_DIGITS;
        marker_digits(c, m + marker_len, (size_t)(p + n - (m + marker_len)));
        return;
    }
    if (n >= keep) {
        memcpy(c->mk_tail, p + n - keep, keep);
        c->mk_tail_len = (uint8_t)keep;
    } else {
        size_t old = c->mk_tail_len + n > keep ? keep - n : c->mk_tail_len;
        memmove(c->mk_tail, c->mk_tail + c->mk_tail_len - old, old);
        memcpy(c->mk_tail + old, p, n);
        c->mk_tail_len = (uint8_t)(old + n);
    }
}

static void frame_done(conn_t *c) {
    uint8_t op = c->opcode;
    if (op == 9) { write_frame(c, 0xA, c->ctl, c->ctl_len); return; }
    if (op == 8) { conn_fail(c, 1); return; }
    if (op > 2) return;
    w_msgs++;
    const uint8_t *p = c->pre, *end = c->pre + c->pre_len;
    if (c->pre_len > 5 && memcmp(p, "{\"t\":", 5) == 0) {
        uint64_t t = parse_uint(p + 5, end), now = mono_us();
        if (t) hadd(&h_lat, now > t ? now - t : 0);
    } else {
        const uint8_t *ts = memmem(p, c->pre_len, "\"timestamp\":", 12);
        uint64_t t = ts ? parse_epoch_us(ts + 12, end) : 0, now = real_us();
        if (t) hadd(&h_lat, now > t ? now - t : 0);
    }
    if (marker_len && scan_all) {
        uint64_t now = real_us();
        if (c->mk_state != MK_SEARCH && c->mk_t) hadd(&h_e2e, now > c->mk_t ? now - c->mk_t : 0);
    } else if (marker_len) {
        const uint8_t *mk = memmem(p, c->pre_len, marker, marker_len);
        uint64_t t = mk ? parse_uint(mk + marker_len, end) : 0, now = real_us();
        if (t) hadd(&h_e2e, now > t ? now - t : 0);
    }
    if (!c->est && ++c->nframes >= wait_frames) established(c);
}

static void feed(conn_t *c, const uint8_t *b, size_t n) {
    size_t i = 0;
    while (i < n && c->st == ST_OPEN) {
        if (!c->in_payload) {
            c->hdr[c->fh_len++] = b[i++];
            if (c->fh_len == 2) {
                uint8_t l7 = c->hdr[1] & 0x7f;
                c->fh_need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + ((c->hdr[1] & 0x80) ? 4 : 0);
            }
            if (c->fh_len >= 2 && c->fh_len == c->fh_need) {
                uint8_t l7 = c->hdr[1] & 0x7f;
                uint64_t pl = l7;
                if (l7 == 126) pl = ((uint64_t)c->hdr[2] << 8) | c->hdr[3];
                else if (l7 == 127) { pl = 0; for (int k = 0; k < 8; k++) pl = (pl << 8) | c->hdr[2 + k]; }
                c->opcode = c->hdr[0] & 0x0f;
                c->remaining = pl;
                c->pre_len = 0;
                c->ctl_len = 0;
                c->mk_state = MK_SEARCH;
                c->mk_tail_len = 0;
                c->mk_t = 0;
                c->fh_len = 0;
                if (c->opcode < 8) w_bytes += pl;
                if (pl == 0) frame_done(c);
                else c->in_payload = 1;
            }
        } else {
            size_t take = n - i;
            if (take > c->remaining) take = (size_t)c->remaining;
            if (c->opcode >= 8) {
                size_t room = sizeof c->ctl - c->ctl_len, cp = take < room ? take : room;
                memcpy(c->ctl + c->ctl_len, b + i, cp);
                c->ctl_len += (uint8_t)cp;
            } else {
                if (c->pre_len < PRE) {
                    size_t room = PRE - c->pre_len, cp = take < room ? take : room;
                    memcpy(c->pre + c->pre_len, b + i, cp);
                    c->pre_len += (uint8_t)cp;
                }
                if (scan_all && marker_len) scan_marker(c, b + i, take);
            }
            i += take;
            c->remaining -= take;
            if (!c->remaining) { c->in_payload = 0; frame_done(c); }
        }
    }
}
#endif
