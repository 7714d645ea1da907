/**
 * The Huffman code of RFC 7541 Appendix B: for each symbol (octets 0-255, then EOS = 256) its
 * code, right-aligned as the RFC's hex column prints it, and its length in bits. The code is
 * canonical (codes of one length are consecutive, ordered by symbol) and complete (the Kraft sum
 * is exactly 1); huffman.test.ts checks both, which catches a mistyped entry.
 */
const CODE_AND_LENGTH: readonly number[] = [
  0x1ff8, 13,   0x7fffd8, 23,   0x0fffffe2, 28,   0x0fffffe3, 28, // 0 1 2 3
  0x0fffffe4, 28,   0x0fffffe5, 28,   0x0fffffe6, 28,   0x0fffffe7, 28, // 4 5 6 7
  0x0fffffe8, 28,   0xffffea, 24,   0x3ffffffc, 30,   0x0fffffe9, 28, // 8 9 10 11
  0x0fffffea, 28,   0x3ffffffd, 30,   0x0fffffeb, 28,   0x0fffffec, 28, // 12 13 14 15
  0x0fffffed, 28,   0x0fffffee, 28,   0x0fffffef, 28,   0x0ffffff0, 28, // 16 17 18 19
  0x0ffffff1, 28,   0x0ffffff2, 28,   0x3ffffffe, 30,   0x0ffffff3, 28, // 20 21 22 23
  0x0ffffff4, 28,   0x0ffffff5, 28,   0x0ffffff6, 28,   0x0ffffff7, 28, // 24 25 26 27
  0x0ffffff8, 28,   0x0ffffff9, 28,   0x0ffffffa, 28,   0x0ffffffb, 28, // 28 29 30 31
  0x14,  6,   0x03f8, 10,   0x03f9, 10,   0x0ffa, 12, // 32 '!' '"' '#'
  0x1ff9, 13,   0x15,  6,   0xf8,  8,   0x07fa, 11, // '$' '%' '&' "'"
  0x03fa, 10,   0x03fb, 10,   0xf9,  8,   0x07fb, 11, // '(' ')' '*' '+'
  0xfa,  8,   0x16,  6,   0x17,  6,   0x18,  6, // ',' '-' '.' '/'
  0x00,  5,   0x01,  5,   0x02,  5,   0x19,  6, // '0' '1' '2' '3'
  0x1a,  6,   0x1b,  6,   0x1c,  6,   0x1d,  6, // '4' '5' '6' '7'
  0x1e,  6,   0x1f,  6,   0x5c,  7,   0xfb,  8, // '8' '9' ':' ';'
  0x7ffc, 15,   0x20,  6,   0x0ffb, 12,   0x03fc, 10, // '<' '=' '>' '?'
  0x1ffa, 13,   0x21,  6,   0x5d,  7,   0x5e,  7, // '@' 'A' 'B' 'C'
  0x5f,  7,   0x60,  7,   0x61,  7,   0x62,  7, // 'D' 'E' 'F' 'G'
  0x63,  7,   0x64,  7,   0x65,  7,   0x66,  7, // 'H' 'I' 'J' 'K'
  0x67,  7,   0x68,  7,   0x69,  7,   0x6a,  7, // 'L' 'M' 'N' 'O'
  0x6b,  7,   0x6c,  7,   0x6d,  7,   0x6e,  7, // 'P' 'Q' 'R' 'S'
  0x6f,  7,   0x70,  7,   0x71,  7,   0x72,  7, // 'T' 'U' 'V' 'W'
  0xfc,  8,   0x73,  7,   0xfd,  8,   0x1ffb, 13, // 'X' 'Y' 'Z' '['
  0x07fff0, 19,   0x1ffc, 13,   0x3ffc, 14,   0x22,  6, // '\' ']' '^' '_'
  0x7ffd, 15,   0x03,  5,   0x23,  6,   0x04,  5, // '`' 'a' 'b' 'c'
  0x24,  6,   0x05,  5,   0x25,  6,   0x26,  6, // 'd' 'e' 'f' 'g'
  0x27,  6,   0x06,  5,   0x74,  7,   0x75,  7, // 'h' 'i' 'j' 'k'
  0x28,  6,   0x29,  6,   0x2a,  6,   0x07,  5, // 'l' 'm' 'n' 'o'
  0x2b,  6,   0x76,  7,   0x2c,  6,   0x08,  5, // 'p' 'q' 'r' 's'
  0x09,  5,   0x2d,  6,   0x77,  7,   0x78,  7, // 't' 'u' 'v' 'w'
  0x79,  7,   0x7a,  7,   0x7b,  7,   0x7ffe, 15, // 'x' 'y' 'z' '{'
  0x07fc, 11,   0x3ffd, 14,   0x1ffd, 13,   0x0ffffffc, 28, // '|' '}' '~' 127
  0x0fffe6, 20,   0x3fffd2, 22,   0x0fffe7, 20,   0x0fffe8, 20, // 128 129 130 131
  0x3fffd3, 22,   0x3fffd4, 22,   0x3fffd5, 22,   0x7fffd9, 23, // 132 133 134 135
  0x3fffd6, 22,   0x7fffda, 23,   0x7fffdb, 23,   0x7fffdc, 23, // 136 137 138 139
  0x7fffdd, 23,   0x7fffde, 23,   0xffffeb, 24,   0x7fffdf, 23, // 140 141 142 143
  0xffffec, 24,   0xffffed, 24,   0x3fffd7, 22,   0x7fffe0, 23, // 144 145 146 147
  0xffffee, 24,   0x7fffe1, 23,   0x7fffe2, 23,   0x7fffe3, 23, // 148 149 150 151
  0x7fffe4, 23,   0x1fffdc, 21,   0x3fffd8, 22,   0x7fffe5, 23, // 152 153 154 155
  0x3fffd9, 22,   0x7fffe6, 23,   0x7fffe7, 23,   0xffffef, 24, // 156 157 158 159
  0x3fffda, 22,   0x1fffdd, 21,   0x0fffe9, 20,   0x3fffdb, 22, // 160 161 162 163
  0x3fffdc, 22,   0x7fffe8, 23,   0x7fffe9, 23,   0x1fffde, 21, // 164 165 166 167
  0x7fffea, 23,   0x3fffdd, 22,   0x3fffde, 22,   0xfffff0, 24, // 168 169 170 171
  0x1fffdf, 21,   0x3fffdf, 22,   0x7fffeb, 23,   0x7fffec, 23, // 172 173 174 175
  0x1fffe0, 21,   0x1fffe1, 21,   0x3fffe0, 22,   0x1fffe2, 21, // 176 177 178 179
  0x7fffed, 23,   0x3fffe1, 22,   0x7fffee, 23,   0x7fffef, 23, // 180 181 182 183
  0x0fffea, 20,   0x3fffe2, 22,   0x3fffe3, 22,   0x3fffe4, 22, // 184 185 186 187
  0x7ffff0, 23,   0x3fffe5, 22,   0x3fffe6, 22,   0x7ffff1, 23, // 188 189 190 191
  0x03ffffe0, 26,   0x03ffffe1, 26,   0x0fffeb, 20,   0x07fff1, 19, // 192 193 194 195
  0x3fffe7, 22,   0x7ffff2, 23,   0x3fffe8, 22,   0x01ffffec, 25, // 196 197 198 199
  0x03ffffe2, 26,   0x03ffffe3, 26,   0x03ffffe4, 26,   0x07ffffde, 27, // 200 201 202 203
  0x07ffffdf, 27,   0x03ffffe5, 26,   0xfffff1, 24,   0x01ffffed, 25, // 204 205 206 207
  0x07fff2, 19,   0x1fffe3, 21,   0x03ffffe6, 26,   0x07ffffe0, 27, // 208 209 210 211
  0x07ffffe1, 27,   0x03ffffe7, 26,   0x07ffffe2, 27,   0xfffff2, 24, // 212 213 214 215
  0x1fffe4, 21,   0x1fffe5, 21,   0x03ffffe8, 26,   0x03ffffe9, 26, // 216 217 218 219
  0x0ffffffd, 28,   0x07ffffe3, 27,   0x07ffffe4, 27,   0x07ffffe5, 27, // 220 221 222 223
  0x0fffec, 20,   0xfffff3, 24,   0x0fffed, 20,   0x1fffe6, 21, // 224 225 226 227
  0x3fffe9, 22,   0x1fffe7, 21,   0x1fffe8, 21,   0x7ffff3, 23, // 228 229 230 231
  0x3fffea, 22,   0x3fffeb, 22,   0x01ffffee, 25,   0x01ffffef, 25, // 232 233 234 235
  0xfffff4, 24,   0xfffff5, 24,   0x03ffffea, 26,   0x7ffff4, 23, // 236 237 238 239
  0x03ffffeb, 26,   0x07ffffe6, 27,   0x03ffffec, 26,   0x03ffffed, 26, // 240 241 242 243
  0x07ffffe7, 27,   0x07ffffe8, 27,   0x07ffffe9, 27,   0x07ffffea, 27, // 244 245 246 247
  0x07ffffeb, 27,   0x0ffffffe, 28,   0x07ffffec, 27,   0x07ffffed, 27, // 248 249 250 251
  0x07ffffee, 27,   0x07ffffef, 27,   0x07fffff0, 27,   0x03ffffee, 26, // 252 253 254 255
  0x3fffffff, 30, // EOS
];

/** The end-of-string symbol: 30 one-bits, never valid inside a string (§5.2). */
export const EOS = 256;

/** HUFFMAN_CODES[sym]: the code's bits, right-aligned. */
export const HUFFMAN_CODES: Uint32Array = Uint32Array.from({ length: 257 }, (_, s) => CODE_AND_LENGTH[2 * s]!);

/** HUFFMAN_LENGTHS[sym]: the code's length in bits (5 to 30). */
export const HUFFMAN_LENGTHS: Uint8Array = Uint8Array.from({ length: 257 }, (_, s) => CODE_AND_LENGTH[2 * s + 1]!);
