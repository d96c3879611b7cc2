/* Minimal libffi stand-in for GLib's GObject on Emscripten (wasm32).
 *
 * Why: GObject links against libffi for one thing only, the generic closure marshaller
 * (g_cclosure_marshal_generic / _generic_va in gobject/gclosure.c), which calls
 * ffi_prep_cif + ffi_call. Debian bookworm's libffi 3.4.4 has no wasm32 port (it arrived
 * in 3.4.5), so it cannot be built here. GMime registers no signals and connects no
 * handlers, so the generic marshaller is never run in the MIME module.
 *
 * This header declares the subset of the libffi 3.4 API that gclosure.c uses, with the
 * same names, type codes and layout. ffi_prep_cif works (it only records the call
 * shape); ffi_call prints a message to stderr and aborts, so that reaching it can never
 * go unnoticed. scripts/run-gmime-wasm-tests.sh checks both halves: a tripwire program
 * proves that a generic-marshalled signal emission dies with the message, and every
 * GMime test output is checked for that message.
 */
#ifndef POP3_WASM_FFI_STANDIN_H
#define POP3_WASM_FFI_STANDIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POP3_WASM_FFI_STANDIN 1

/* Type codes, as in libffi's ffi.h. */
#define FFI_TYPE_VOID       0
#define FFI_TYPE_INT        1
#define FFI_TYPE_FLOAT      2
#define FFI_TYPE_DOUBLE     3
#define FFI_TYPE_LONGDOUBLE 4
#define FFI_TYPE_UINT8      5
#define FFI_TYPE_SINT8      6
#define FFI_TYPE_UINT16     7
#define FFI_TYPE_SINT16     8
#define FFI_TYPE_UINT32     9
#define FFI_TYPE_SINT32     10
#define FFI_TYPE_UINT64     11
#define FFI_TYPE_SINT64     12
#define FFI_TYPE_STRUCT     13
#define FFI_TYPE_POINTER    14

typedef enum {
  FFI_OK = 0,
  FFI_BAD_TYPEDEF,
  FFI_BAD_ABI,
  FFI_BAD_ARGTYPE
} ffi_status;

typedef enum {
  FFI_FIRST_ABI = 0,
  FFI_WASM32_EMSCRIPTEN,
  FFI_LAST_ABI,
  FFI_DEFAULT_ABI = FFI_WASM32_EMSCRIPTEN
} ffi_abi;

typedef struct _ffi_type {
  size_t size;
  unsigned short alignment;
  unsigned short type;
  struct _ffi_type **elements;
} ffi_type;

typedef struct {
  ffi_abi abi;
  unsigned nargs;
  ffi_type **arg_types;
  ffi_type *rtype;
  unsigned bytes;
  unsigned flags;
} ffi_cif;

/* Return values narrower than a register are widened to ffi_arg (libffi's wasm32 port
 * uses unsigned long, 32 bits). */
typedef unsigned long ffi_arg;
typedef signed long ffi_sarg;

extern ffi_type ffi_type_void;
extern ffi_type ffi_type_uint8;
extern ffi_type ffi_type_sint8;
extern ffi_type ffi_type_uint16;
extern ffi_type ffi_type_sint16;
extern ffi_type ffi_type_uint32;
extern ffi_type ffi_type_sint32;
extern ffi_type ffi_type_uint64;
extern ffi_type ffi_type_sint64;
extern ffi_type ffi_type_float;
extern ffi_type ffi_type_double;
extern ffi_type ffi_type_pointer;

#define ffi_type_uchar  ffi_type_uint8
#define ffi_type_schar  ffi_type_sint8
#define ffi_type_ushort ffi_type_uint16
#define ffi_type_sshort ffi_type_sint16
#define ffi_type_uint   ffi_type_uint32
#define ffi_type_sint   ffi_type_sint32
#define ffi_type_ulong  ffi_type_uint32 /* wasm32: long is 32 bits */
#define ffi_type_slong  ffi_type_sint32

#define FFI_FN(f) ((void (*)(void))(f))

ffi_status ffi_prep_cif (ffi_cif *cif, ffi_abi abi, unsigned int nargs,
                         ffi_type *rtype, ffi_type **atypes);

/* Never returns: prints "libffi stand-in: ffi_call reached" and aborts. */
void ffi_call (ffi_cif *cif, void (*fn) (void), void *rvalue, void **avalue);

#ifdef __cplusplus
}
#endif

#endif /* POP3_WASM_FFI_STANDIN_H */
