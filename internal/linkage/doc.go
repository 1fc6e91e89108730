// Package linkage finds the same person across partners without revealing who the
// person is: privacy-preserving record linkage with cryptographic long-term keys
// (CLKs), Bloom filters compared by the Sørensen–Dice coefficient, after
// Schnell, Bachteler and Reiher (2009) and the anonlink/clkhash tools of CSIRO Data61.
//
// Each partner encodes its own records with a shared secret (Encoder): the fields a
// Schema names are normalised with package names (one folding of names for the whole
// system), cut into features (q-grams of the folded name tokens and of their phonetic
// keys, components of the date of birth), and each feature sets bits chosen by
// HMAC-SHA256 under a key derived from the secret for that field. Hardening against
// frequency and pattern-mining attacks (balancing, XOR-folding, salting) is part of
// the schema. Encodings travel in .clk files (WriteCLK, ReadCLK) that carry the schema
// and a fingerprint of the secret, never an identifying value.
//
// A hub that holds only the encodings matches them (Match): pairs whose popcounts
// alone rule out the threshold are never compared, the comparisons run on every core
// with the fastest Dice kernel the CPU has (AVX-512 VPOPCNTQ, AVX2, or portable Go),
// and large inputs are blocked by locality-sensitive hashing of the filters so that
// the work grows far slower than the product of the input sizes. Cluster then groups
// the pairs greedily, best first, at most one record of each partner per cluster.
//
// The package is pure: it reads and writes only through io.Reader and io.Writer.
package linkage
