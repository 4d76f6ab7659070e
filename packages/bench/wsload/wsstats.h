/*
 * wsstats.h - latency histograms and the JSON REPORT line of wsload (included by wsload.c only).
 *
 * Histogram: exact 1 us buckets below 1024 us, then 1% log buckets (4096 buckets cover ~10^17 us).
 * Four histograms are kept per measurement window:
 *   lat   server stamp -> receive: a leading {"t":<CLOCK_MONOTONIC us> (the original probe servers)
 *         or the frame's epoch-float "timestamp" field (ARCP frames; seconds, compared with
 *         CLOCK_REALTIME, so its resolution is whatever the server put there: ms for Date.now())
 *   e2e   -M marker: the digits right after the marker are CLOCK_REALTIME microseconds written by
 *         whoever caused the frame (a bus feeder, an HTTP client), so this is cause -> receive
 *   ttff  connect() start -> connection established (101, or the -w'th frame): time to first frame
 * The ttff histogram is not reset by MARK: it describes the ramp.
 */
#ifndef WSSTATS_H
#define WSSTATS_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define HB 4096
typedef struct {
    uint64_t b[HB];
    uint64_t n, min, max, sum;
} hist_t;

static uint64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}
static uint64_t real_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}
static int hidx(uint64_t v) {
    if (v < 1024) return (int)v;
    int i = 1024 + (int)(log((double)v / 1024.0) / log(1.01));
    return i >= HB ? HB - 1 : i;
}
static double hval(int i) { return i < 1024 ? (double)i : 1024.0 * pow(1.01, i - 1024); }
static void hreset(hist_t *h) {
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}
static void hadd(hist_t *h, uint64_t v) {
    h->b[hidx(v)]++;
    h->n++;
    h->sum += v;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
}
static double hpct(const hist_t *h, double p) {
    if (!h->n) return -1;
    uint64_t want = (uint64_t)ceil(p * (double)h->n), acc = 0;
    if (want == 0) want = 1;
    for (int i = 0; i < HB; i++) {
        acc += h->b[i];
        if (acc >= want) return hval(i);
    }
    return hval(HB - 1);
}
/* {"n":..,"min":..,"p50":..,"p90":..,"p99":..,"p999":..,"max":..,"mean":..} (us; -1 when empty) */
static void hprint(FILE *f, const hist_t *h) {
    fprintf(f, "{\"n\":%llu,\"min\":%llu,\"p50\":%.0f,\"p90\":%.0f,\"p99\":%.0f,\"p999\":%.0f,\"max\":%llu,\"mean\":%.1f}",
            (unsigned long long)h->n, (unsigned long long)(h->n ? h->min : 0), hpct(h, 0.5), hpct(h, 0.9), hpct(h, 0.99),
            hpct(h, 0.999), (unsigned long long)h->max, h->n ? (double)h->sum / h->n : 0);
}

/* Parses "<int>[.<frac>]" seconds at s (bounded by end) into microseconds; 0 when not a number. */
static uint64_t parse_epoch_us(const uint8_t *s, const uint8_t *end) {
    uint64_t secs = 0, frac = 0, scale = 1000000;
    int digits = 0;
    while (s < end && *s >= '0' && *s <= '9') { secs = secs * 10 + (uint64_t)(*s++ - '0'); digits++; }
    if (!digits || s >= end) return 0;
    if (*s == '.') {
        s++;
        while (s < end && *s >= '0' && *s <= '9') {
            if (scale > 1) { scale /= 10; frac += (uint64_t)(*s - '0') * scale; }
            s++;
        }
        if (s >= end) return 0; /* the number may continue past the captured prefix */
    }
    return secs * 1000000ull + frac;
}
/* Parses "<int>" at s (bounded by end); 0 when absent or possibly truncated. */
static uint64_t parse_uint(const uint8_t *s, const uint8_t *end) {
    uint64_t v = 0;
    int digits = 0;
    while (s < end && *s >= '0' && *s <= '9') { v = v * 10 + (uint64_t)(*s++ - '0'); digits++; }
    return digits && s < end ? v : 0;
}
#endif
