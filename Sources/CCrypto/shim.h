// OpenSSL's libcrypto, used only for SHA-256 (of model weight files, and of batch output
// names for --shard; it picks the SHA-NI or
// AVX2 code path at run time: ~1.5 GB/s here against ~0.2 GB/s for portable code).
#include <openssl/evp.h>
