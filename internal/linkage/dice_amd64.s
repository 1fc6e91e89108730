//go:build amd64 && !purego

#include "textflag.h"

// func andCountsVPOPCNTQ(a *uint64, chunks, stride int, bs *uint64, n int, out *uint32)
// For each of the n filters of bs (stride words apart), out[i] = popcount(a AND b)
// over the first chunks 512-bit vectors. AVX512F and AVX512_VPOPCNTDQ.
TEXT ·andCountsVPOPCNTQ(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ chunks+8(FP), CX
	MOVQ stride+16(FP), DX
	SHLQ $3, DX
	MOVQ bs+24(FP), DI
	MOVQ n+32(FP), R8
	MOVQ out+40(FP), R9
	CMPQ CX, $2
	JNE  vgeneral

	// 1024 bits: a stays in two registers; two filters per round.
	VMOVDQU64 (SI), Z14
	VMOVDQU64 64(SI), Z15

v2pair:
	CMPQ R8, $2
	JLT  v2single
	VPANDQ  (DI), Z14, Z0
	VPANDQ  64(DI), Z15, Z1
	VPANDQ  (DI)(DX*1), Z14, Z2
	VPANDQ  64(DI)(DX*1), Z15, Z3
	VPOPCNTQ Z0, Z0
	VPOPCNTQ Z1, Z1
	VPOPCNTQ Z2, Z2
	VPOPCNTQ Z3, Z3
	VPADDQ  Z1, Z0, Z0
	VPADDQ  Z3, Z2, Z2

	// Fold both 8-lane sums at once: 4+4 lanes, then 2+2, then 1+1.
	VSHUFI64X2 $0x44, Z2, Z0, Z4 // low 256 of Z0 | low 256 of Z2
	VSHUFI64X2 $0xEE, Z2, Z0, Z5 // high 256 of Z0 | high 256 of Z2
	VPADDQ  Z5, Z4, Z4           // lanes 0-3: Z0 sums, 4-7: Z2 sums
	VEXTRACTI64X4 $1, Z4, Y5
	VPUNPCKLQDQ Y5, Y4, Y6       // [a0 b0 a2 b2]
	VPUNPCKHQDQ Y5, Y4, Y7       // [a1 b1 a3 b3]
	VPADDQ  Y7, Y6, Y6           // [a0+a1, b0+b1, a2+a3, b2+b3]
	VEXTRACTI128 $1, Y6, X7
	VPADDQ  X7, X6, X6           // [a, b]
	VPMOVQD X6, X6
	MOVQ    X6, (R9)
	LEAQ    (DI)(DX*2), DI
	ADDQ    $8, R9
	SUBQ    $2, R8
	JMP     v2pair

v2single:
	TESTQ R8, R8
	JZ    vdone
	VPANDQ  (DI), Z14, Z0
	VPANDQ  64(DI), Z15, Z1
	VPOPCNTQ Z0, Z0
	VPOPCNTQ Z1, Z1
	VPADDQ  Z1, Z0, Z0
	JMP     vreduce1

vgeneral:
	TESTQ R8, R8
	JZ    vdone
	VPXORQ Z0, Z0, Z0
	MOVQ   SI, R10
	MOVQ   DI, R11
	MOVQ   CX, R12

vchunk:
	VMOVDQU64 (R11), Z1
	VPANDQ    (R10), Z1, Z1
	VPOPCNTQ  Z1, Z1
	VPADDQ    Z1, Z0, Z0
	ADDQ      $64, R10
	ADDQ      $64, R11
	DECQ      R12
	JNZ       vchunk
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ  Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ  X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDQ  X1, X0, X0
	MOVQ    X0, AX
	MOVL    AX, (R9)
	ADDQ    DX, DI
	ADDQ    $4, R9
	DECQ    R8
	JMP     vgeneral

vreduce1:
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ  Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ  X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDQ  X1, X0, X0
	MOVQ    X0, AX
	MOVL    AX, (R9)

vdone:
	VZEROUPPER
	RET

// Nibble table: the number of bits set in 0..15, in both 128-bit lanes.
DATA nibbles<>+0(SB)/8, $0x0302020102010100
DATA nibbles<>+8(SB)/8, $0x0403030203020201
DATA nibbles<>+16(SB)/8, $0x0302020102010100
DATA nibbles<>+24(SB)/8, $0x0403030203020201
GLOBL nibbles<>(SB), RODATA|NOPTR, $32

DATA lowNibbles<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL lowNibbles<>(SB), RODATA|NOPTR, $32

// CHUNK adds to the byte counters acc the bits of a (in areg) AND the 256 bits at
// off(DI), counted with the nibble table.
#define CHUNK(off, areg, acc) \
	VPAND   off(DI), areg, Y4 \
	VPSRLW  $4, Y4, Y5 \
	VPAND   Y15, Y4, Y4 \
	VPAND   Y15, Y5, Y5 \
	VPSHUFB Y4, Y14, Y4 \
	VPSHUFB Y5, Y14, Y5 \
	VPADDB  Y4, acc, acc \
	VPADDB  Y5, acc, acc

// FILTER1024 leaves in the quadwords of acc the partial counts of the 1024-bit
// filter at off(DI) AND a.
#define FILTER1024(off, acc) \
	VPXOR Y6, Y6, Y6 \
	CHUNK(off, Y10, Y6) \
	CHUNK(off+32, Y11, Y6) \
	CHUNK(off+64, Y12, Y6) \
	CHUNK(off+96, Y13, Y6) \
	VPSADBW Y9, Y6, acc

// func andCountsAVX2(a *uint64, chunks, stride int, bs *uint64, n int, out *uint32)
// As andCountsVPOPCNTQ over 256-bit vectors, counting with the nibble table
// (VPSHUFB). Byte counters hold at most 8 per vector, so they are summed into
// quadwords (VPSADBW) every 16 vectors, before they could overflow.
TEXT ·andCountsAVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ chunks+8(FP), CX
	MOVQ stride+16(FP), DX
	SHLQ $3, DX
	MOVQ bs+24(FP), DI
	MOVQ n+32(FP), R8
	MOVQ out+40(FP), R9
	VMOVDQU nibbles<>(SB), Y14
	VMOVDQU lowNibbles<>(SB), Y15
	VPXOR   Y13, Y13, Y13
	CMPQ    CX, $4
	JNE     arec
	CMPQ    DX, $128
	JEQ     a1024

arec:
	TESTQ R8, R8
	JZ    adone
	VPXOR Y0, Y0, Y0 // quadword sums
	MOVQ  SI, R10
	MOVQ  DI, R11
	MOVQ  CX, R12

ablock:
	VPXOR Y3, Y3, Y3 // byte counters
	MOVQ  $16, R13

achunk:
	VMOVDQU (R11), Y1
	VPAND   (R10), Y1, Y1
	VPSRLW  $4, Y1, Y2
	VPAND   Y15, Y1, Y1
	VPAND   Y15, Y2, Y2
	VPSHUFB Y1, Y14, Y1
	VPSHUFB Y2, Y14, Y2
	VPADDB  Y1, Y3, Y3
	VPADDB  Y2, Y3, Y3
	ADDQ    $32, R10
	ADDQ    $32, R11
	DECQ    R12
	JZ      aflush
	DECQ    R13
	JNZ     achunk

aflush:
	VPSADBW Y13, Y3, Y3
	VPADDQ  Y3, Y0, Y0
	TESTQ   R12, R12
	JNZ     ablock
	VEXTRACTI128 $1, Y0, X1
	VPADDQ  X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDQ  X1, X0, X0
	MOVQ    X0, AX
	MOVL    AX, (R9)
	ADDQ    DX, DI
	ADDQ    $4, R9
	DECQ    R8
	JMP     arec

adone:
	VZEROUPPER
	RET

// a1024 handles 1024-bit filters stored back to back: a stays in Y10-Y13, and the
// sums of four filters (at most 1024 each) are packed into 16-bit fields so that
// one horizontal reduction serves all four.
a1024:
	VPXOR   Y9, Y9, Y9
	VMOVDQU (SI), Y10
	VMOVDQU 32(SI), Y11
	VMOVDQU 64(SI), Y12
	VMOVDQU 96(SI), Y13

a4:
	CMPQ R8, $4
	JLT  a1
	FILTER1024(0, Y0)
	FILTER1024(128, Y1)
	FILTER1024(256, Y2)
	FILTER1024(384, Y3)
	VPSLLQ $16, Y1, Y1
	VPSLLQ $32, Y2, Y2
	VPSLLQ $48, Y3, Y3
	VPOR   Y1, Y0, Y0
	VPOR   Y3, Y2, Y2
	VPOR   Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDQ X1, X0, X0
	VPMOVZXWD X0, X0
	VMOVDQU X0, (R9)
	ADDQ   $512, DI
	ADDQ   $16, R9
	SUBQ   $4, R8
	JMP    a4

a1:
	TESTQ R8, R8
	JZ    adone
	FILTER1024(0, Y0)
	VEXTRACTI128 $1, Y0, X1
	VPADDQ X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDQ X1, X0, X0
	MOVQ   X0, AX
	MOVL   AX, (R9)
	ADDQ   $128, DI
	ADDQ   $4, R9
	DECQ   R8
	JMP    a1

// func andCountsPOPCNT(a *uint64, words, stride int, bs *uint64, n int, out *uint32)
// As andCountsVPOPCNTQ, one 64-bit word at a time with POPCNT, two accumulators.
TEXT ·andCountsPOPCNT(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ words+8(FP), CX
	MOVQ stride+16(FP), DX
	SHLQ $3, DX
	MOVQ bs+24(FP), DI
	MOVQ n+32(FP), R8
	MOVQ out+40(FP), R9

prec:
	TESTQ R8, R8
	JZ    pdone
	XORQ  AX, AX
	XORQ  BX, BX
	XORQ  R12, R12

pword:
	MOVQ    (DI)(R12*8), R10
	ANDQ    (SI)(R12*8), R10
	POPCNTQ R10, R10
	ADDQ    R10, AX
	INCQ    R12
	CMPQ    R12, CX
	JEQ     pend
	MOVQ    (DI)(R12*8), R11
	ANDQ    (SI)(R12*8), R11
	POPCNTQ R11, R11
	ADDQ    R11, BX
	INCQ    R12
	CMPQ    R12, CX
	JNE     pword

pend:
	ADDQ BX, AX
	MOVL AX, (R9)
	ADDQ DX, DI
	ADDQ $4, R9
	DECQ R8
	JMP  prec

pdone:
	RET
