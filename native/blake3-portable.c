/*
 * BLAKE3 (hash mode, 32-byte output), portable C, streaming: written from the BLAKE3 specification
 * (https://github.com/BLAKE3-team/BLAKE3-specs), checked against the official test vectors by
 * tests/blake3.test.ts. No SIMD: about 1 GB/s on one core, so the native full-hash path takes only files up
 * to FULL_NATIVE_MAX_BYTES (full-digests.c); bigger ones go to @napi-rs/blake-hash, whose SIMD code is
 * several times faster once the per-call cost no longer matters.
 */
#include <string.h>
#include "blake3-portable.h"

enum { CHUNK_START = 1, CHUNK_END = 2, PARENT = 4, ROOT = 8 };

static const uint32_t IV[8] = { 0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19 };
static const uint8_t PERMUTATION[16] = { 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8 };

static inline uint32_t rotr(uint32_t value, int bits) { return (value >> bits) | (value << (32 - bits)); }
static inline uint32_t load32(const uint8_t *bytes) {
  return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24);
}

static inline void g(uint32_t *s, int a, int b, int c, int d, uint32_t x, uint32_t y) {
  s[a] = s[a] + s[b] + x; s[d] = rotr(s[d] ^ s[a], 16);
  s[c] = s[c] + s[d];     s[b] = rotr(s[b] ^ s[c], 12);
  s[a] = s[a] + s[b] + y; s[d] = rotr(s[d] ^ s[a], 8);
  s[c] = s[c] + s[d];     s[b] = rotr(s[b] ^ s[c], 7);
}

/* The compression function; writes the first 8 words of its output (all a hash needs) to `out`. */
static void compress(const uint32_t cv[8], const uint8_t block[64], uint32_t block_len, uint64_t counter, uint32_t flags, uint32_t out[8]) {
  uint32_t m[16], s[16], t[16];
  for (int i = 0; i < 16; i++) m[i] = load32(block + 4 * i);
  memcpy(s, cv, 32);
  s[8] = IV[0]; s[9] = IV[1]; s[10] = IV[2]; s[11] = IV[3];
  s[12] = (uint32_t)counter; s[13] = (uint32_t)(counter >> 32); s[14] = block_len; s[15] = flags;
  for (int round = 0; round < 7; round++) {
    g(s, 0, 4, 8, 12, m[0], m[1]); g(s, 1, 5, 9, 13, m[2], m[3]); g(s, 2, 6, 10, 14, m[4], m[5]); g(s, 3, 7, 11, 15, m[6], m[7]);
    g(s, 0, 5, 10, 15, m[8], m[9]); g(s, 1, 6, 11, 12, m[10], m[11]); g(s, 2, 7, 8, 13, m[12], m[13]); g(s, 3, 4, 9, 14, m[14], m[15]);
    if (round < 6) { for (int i = 0; i < 16; i++) t[i] = m[PERMUTATION[i]]; memcpy(m, t, 64); }
  }
  for (int i = 0; i < 8; i++) out[i] = s[i] ^ s[i + 8];
}

void blake3_init(blake3_state *state) {
  memset(state, 0, sizeof *state);
  memcpy(state->cv, IV, 32);
}

/* Compress the buffered block of the current chunk (not its last: that one waits, it may need CHUNK_END). */
static void compress_buffered_block(blake3_state *state) {
  uint32_t flags = state->blocks_compressed == 0 ? CHUNK_START : 0;
  compress(state->cv, state->block, 64, state->chunk_counter, flags, state->cv);
  state->blocks_compressed++;
  state->block_len = 0;
  memset(state->block, 0, 64); // a last, partial block is zero-padded
}

static void store_words(const uint32_t words[8], uint8_t out[32]) {
  for (int i = 0; i < 8; i++) { out[4 * i] = (uint8_t)words[i]; out[4 * i + 1] = (uint8_t)(words[i] >> 8); out[4 * i + 2] = (uint8_t)(words[i] >> 16); out[4 * i + 3] = (uint8_t)(words[i] >> 24); }
}

/* A chunk is whole: push its chaining value and merge completed subtrees (one merge per trailing 0 bit). */
static void finish_chunk(blake3_state *state) {
  uint32_t chunk_cv[8];
  uint32_t flags = (state->blocks_compressed == 0 ? CHUNK_START : 0) | CHUNK_END;
  compress(state->cv, state->block, state->block_len, state->chunk_counter, flags, chunk_cv);
  uint64_t total = state->chunk_counter + 1;
  while ((total & 1) == 0) {
    uint8_t parent[64];
    state->stack_len--;
    store_words(state->stack[state->stack_len], parent);
    store_words(chunk_cv, parent + 32);
    compress(IV, parent, 64, 0, PARENT, chunk_cv);
    total >>= 1;
  }
  memcpy(state->stack[state->stack_len++], chunk_cv, 32);
  state->chunk_counter++;
  memcpy(state->cv, IV, 32);
  state->blocks_compressed = 0;
  state->block_len = 0;
  memset(state->block, 0, 64);
}

void blake3_update(blake3_state *state, const uint8_t *input, size_t length) {
  while (length > 0) {
    // A full chunk (16 blocks) ends only when more input follows: the last chunk is finished in blake3_final.
    if (state->blocks_compressed == 15 && state->block_len == 64) finish_chunk(state);
    else if (state->block_len == 64) compress_buffered_block(state);
    size_t take = 64 - state->block_len;
    if (take > length) take = length;
    memcpy(state->block + state->block_len, input, take);
    state->block_len += (uint32_t)take;
    input += take;
    length -= take;
  }
}

void blake3_final(const blake3_state *state, uint8_t out[32]) {
  uint32_t flags = (state->blocks_compressed == 0 ? CHUNK_START : 0) | CHUNK_END;
  uint32_t words[8];
  if (state->stack_len == 0) { // one chunk: its last block is the root
    compress(state->cv, state->block, state->block_len, state->chunk_counter, flags | ROOT, words);
    store_words(words, out);
    return;
  }
  // The last chunk's chaining value, then parents up the stack, right to left; the topmost is the root.
  uint32_t cv[8];
  compress(state->cv, state->block, state->block_len, state->chunk_counter, flags, cv);
  for (size_t level = state->stack_len; level > 0; level--) {
    uint8_t parent[64];
    store_words(state->stack[level - 1], parent);
    store_words(cv, parent + 32);
    compress(IV, parent, 64, 0, PARENT | (level == 1 ? ROOT : 0), cv);
  }
  store_words(cv, out);
}
