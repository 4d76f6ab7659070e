/*
 * wsload.c - single-threaded epoll WebSocket load generator (client side) for LOOPBACK benchmarks
 * of fan-out gateways. libc only. Adopted from the shared perf tools and extended for ARCP.
 *
 * Build:  gcc -O2 -o wsload wsload.c -lm        (wsstats.h and wsconn.h sit next to this file)
 *
 * What it does:
 *   - opens -c connections to ws://HOST:PORT/PATH with at most -k connections in flight (in
 *     flight = not yet established), spreading source addresses over 127.0.0.(S..) with -n
 *     connections per address (IP_BIND_ADDRESS_NO_PORT), so >28k sockets to one port work;
 *   - -A FILE: right after the 101 the client sends one masked text frame, line (i % lines) of
 *     FILE verbatim (e.g. {"token":"<jwt>"} for the agents channel's first-message auth);
 *   - -w N: a connection counts as established once N data frames arrived (public: 1 = welcome;
 *     agents: 2 = auth_required + auth_success); default 0 = at the 101;
 *   - prints "READY open=N errors=E ms=T rate=R ttff_p50_us=.. ttff_p99_us=.. ttff_max_us=.."
 *     when every connection is established or failed (T = ramp time, R = open / T);
 *   - then reads every frame, answers pings, counts frames/bytes and keeps the latency histograms
 *     described in wsstats.h ("t" monotonic stamp or "timestamp" epoch float; -M marker for e2e,
 *     looked for in a frame's first 160 bytes, or with -S anywhere in it, e.g. an agent deep in a
 *     whole-list frame);
 *   - -x FRAC stalls that fraction of the connections (evenly spread) on the STALL command: they
 *     stop reading, so the server sees them as slow consumers; -b BYTES sets SO_RCVBUF (and a
 *     1024-byte TCP_MAXSEG, which keeps the server's autotuned send buffer small) on those sockets
 *     at creation, so the kernels absorb little before the server's own backpressure starts;
 *   - commands on stdin (one per line):
 *       MARK    reset the measurement window (counters + lat/e2e histograms); answers MARKED
 *       REPORT  print one JSON line with the window's stats (fields in wsconn.h's report())
 *       STALL   stop reading on the -x connections
 *       RST     reset every connection (SO_LINGER 0) and exit, as -R does after READY
 *       QUIT    close everything and exit
 *   - exits by itself after -t seconds (alarm, default 300) or when stdin hits EOF.
 *
 * Flags: -h host(127.0.0.1) -p port(9001) -P path(/) -c conns(1000) -k inflight(256)
 *        -t max_seconds(300) -s first_src_octet(1) -n conns_per_src(20000) -R ramp-only (after
 *        READY, reset every socket and exit) -w frames(0) -A file -M marker -S -x frac(0) -b rcvbuf(0)
 */
#define _GNU_SOURCE
#include "wsconn.h"

static void fill(void);
static void maybe_ready(void);

/* Closes every socket with a reset (no TIME_WAIT, the server sees it at once) and exits. */
static void reset_all_and_exit(void) {
    struct linger lg = {1, 0};
    for (int i = 0; i < n_started; i++)
        if (conns[i].st == ST_OPEN) { setsockopt(conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg); close(conns[i].fd); }
    exit(0);
}

static void start_one(void) {
    int i = (int)n_started;
    conn_t *c = &conns[i];
    memset(c, 0, sizeof *c);
    c->stall = is_stall_index(i);
    n_started++;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) { n_errors++; c->st = ST_CLOSED; return; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (c->stall && stall_rcvbuf > 0) {
        /* Small receive buffer here, and a small MSS so the server's kernel sizes its send buffer
         * for small segments (on loopback it would otherwise autotune it to megabytes). */
        int mss = 1024;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &stall_rcvbuf, sizeof stall_rcvbuf);
        setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    }
    struct sockaddr_in src = {0};
    src.sin_family = AF_INET;
    char sip[32];
    snprintf(sip, sizeof sip, "127.0.0.%d", src_first + i / per_src);
    inet_pton(AF_INET, sip, &src.sin_addr);
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) { close(fd); n_errors++; c->st = ST_CLOSED; return; }
    struct sockaddr_in dst = {0};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(port);
    inet_pton(AF_INET, host, &dst.sin_addr);
    c->fd = fd;
    c->st = ST_CONNECTING;
    c->t0 = mono_us();
    n_inflight++;
    int r = connect(fd, (struct sockaddr *)&dst, sizeof dst);
    if (r < 0 && errno != EINPROGRESS) { conn_fail(c, 0); return; }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u32 = (uint32_t)i};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void fill(void) {
    while (n_started < target && n_inflight < inflight_max) start_one();
}

static void maybe_ready(void) {
    if (ready_printed || n_started < target || n_inflight != 0) return;
    double ms = (mono_us() - t_ramp_start) / 1000.0;
    printf("READY open=%ld errors=%ld ms=%.1f rate=%.0f ttff_p50_us=%.0f ttff_p99_us=%.0f ttff_max_us=%llu\n", n_open, n_errors, ms,
           ms > 0 ? n_open / (ms / 1000.0) : 0, hpct(&h_ttff, 0.5), hpct(&h_ttff, 0.99), (unsigned long long)h_ttff.max);
    fflush(stdout);
    ready_printed = 1;
    mark();
    if (ramp_only) reset_all_and_exit();
}

/* The 101 arrived: open the socket, send the first message (-A), maybe count it established. */
static void upgraded(conn_t *c) {
    c->st = ST_OPEN;
    c->pre_len = 0;
    if (first_msgs) {
        const char *m = first_msgs[(c - conns) % n_first_msgs];
        if (send_text(c, m, strlen(m)) < 0) { conn_fail(c, 0); return; }
    }
    if (wait_frames == 0) established(c);
}

static void on_event(conn_t *c, uint32_t evs) {
    static uint8_t buf[1 << 16];
    if (c->st == ST_CLOSED || c->st == ST_FREE) return;
    if (c->st == ST_CONNECTING) {
        if (evs & (EPOLLERR | EPOLLHUP)) { conn_fail(c, 0); return; }
        if (evs & EPOLLOUT) c->st = ST_UPGRADING;
        else return;
    }
    if (c->st == ST_UPGRADING && c->req_off < req_len && (evs & EPOLLOUT)) {
        ssize_t w = write(c->fd, req + c->req_off, req_len - c->req_off);
        if (w > 0) c->req_off += (uint16_t)w;
        else if (w < 0 && errno != EAGAIN) { conn_fail(c, 0); return; }
        if (c->req_off == req_len) {
            struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)(c - conns)};
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        }
    }
    if (c->stalled) { /* only hang-ups are watched on a stalled socket */
        if (evs & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) { n_stalled_closed++; conn_fail(c, 1); }
        return;
    }
    if (!(evs & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    for (;;) {
        ssize_t r = read(c->fd, buf, sizeof buf);
        if (r > 0) {
            size_t off = 0;
            if (c->st == ST_UPGRADING) {
                /* first response bytes: "HTTP/1.1 101"; then find \r\n\r\n */
                if (c->crlf == 0 && c->pre_len == 0) {
                    if (r < 12 || memcmp(buf + 9, "101", 3) != 0) { conn_fail(c, 0); return; }
                    c->pre_len = 1;
                }
                static const char pat[] = "\r\n\r\n";
                while (off < (size_t)r && c->crlf < 4) {
                    c->crlf = (buf[off] == (uint8_t)pat[c->crlf]) ? c->crlf + 1 : (buf[off] == '\r' ? 1 : 0);
                    off++;
                }
                if (c->crlf < 4) continue;
                upgraded(c);
                if (c->st != ST_OPEN) return;
            }
            if (off < (size_t)r) feed(c, buf + off, r - off);
            if (c->st != ST_OPEN) return;
            if ((size_t)r < sizeof buf) break;
        } else if (r == 0) {
            conn_fail(c, 1); return;
        } else {
            if (errno == EAGAIN) break;
            conn_fail(c, 1); return;
        }
    }
}

static void stall_all(void) {
    for (int i = 0; i < n_started; i++) {
        conn_t *c = &conns[i];
        if (!c->stall || c->st != ST_OPEN || c->stalled) continue;
        c->stalled = 1;
        n_stalled++;
        struct epoll_event ev = {.events = EPOLLRDHUP, .data.u32 = (uint32_t)i};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void on_stdin(void) {
    static char line[256];
    static size_t ll;
    char b[256];
    ssize_t r = read(0, b, sizeof b);
    if (r <= 0) exit(0);
    for (ssize_t i = 0; i < r; i++) {
        if (b[i] != '\n') { if (ll < sizeof line - 1) line[ll++] = b[i]; continue; }
        line[ll] = 0;
        ll = 0;
        if (!strcmp(line, "MARK")) { mark(); printf("MARKED\n"); fflush(stdout); }
        else if (!strcmp(line, "REPORT")) report();
        else if (!strcmp(line, "STALL")) stall_all();
        else if (!strcmp(line, "RST")) reset_all_and_exit();
        else if (!strcmp(line, "QUIT")) exit(0);
    }
}

int main(int argc, char **argv) {
    int o;
    const char *first_file = NULL;
    while ((o = getopt(argc, argv, "h:p:P:c:k:t:s:n:Rw:A:M:Sx:b:")) != -1) {
        switch (o) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'P': path = optarg; break;
        case 'c': target = atoi(optarg); break;
        case 'k': inflight_max = atoi(optarg); break;
        case 't': max_secs = atoi(optarg); break;
        case 's': src_first = atoi(optarg); break;
        case 'n': per_src = atoi(optarg); break;
        case 'R': ramp_only = 1; break;
        case 'w': wait_frames = atoi(optarg); break;
        case 'A': first_file = optarg; break;
        case 'M': marker = optarg; marker_len = strlen(optarg); break;
        case 'S': scan_all = 1; break;
        case 'x': stall_frac = atof(optarg); break;
        case 'b': stall_rcvbuf = atoi(optarg); break;
        default: fprintf(stderr, "bad flag\n"); return 2;
        }
    }
    if (target < 1 || inflight_max < 1 || per_src < 1 || wait_frames < 0 || wait_frames > 250 || marker_len >= MARKER_MAX) { fprintf(stderr, "bad value\n"); return 2; }
    if (first_file && load_first_msgs(first_file) < 0) { fprintf(stderr, "cannot read %s\n", first_file); return 2; }
    signal(SIGPIPE, SIG_IGN);
    alarm(max_secs); /* hard self-termination */
    req_len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                       path, host, port);
    conns = calloc(target, sizeof *conns);
    epfd = epoll_create1(0);
    struct epoll_event sev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &sev);
    hreset(&h_ttff);
    t_ramp_start = mono_us();
    mark();
    fill();
    struct epoll_event evs[1024];
    for (;;) {
        int n = epoll_wait(epfd, evs, 1024, 1000);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u32 == UINT32_MAX) { on_stdin(); continue; }
            on_event(&conns[evs[i].data.u32], evs[i].events);
        }
        fill();
        maybe_ready();
    }
}
