/* Portable streaming BLAKE3, hash mode, 32-byte output (blake3-portable.c). */
#ifndef FILEORG_BLAKE3_PORTABLE_H
#define FILEORG_BLAKE3_PORTABLE_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t cv[8];          /* chaining value of the chunk being hashed */
  uint64_t chunk_counter;  /* index of that chunk */
  uint8_t block[64];       /* its current block, not yet compressed */
  uint32_t block_len;
  uint32_t blocks_compressed;
  uint32_t stack[54][8];   /* chaining values of completed subtrees (54 levels: 2^64 bytes) */
  size_t stack_len;
} blake3_state;

void blake3_init(blake3_state *state);
void blake3_update(blake3_state *state, const uint8_t *input, size_t length);
void blake3_final(const blake3_state *state, uint8_t out[32]);

#endif
