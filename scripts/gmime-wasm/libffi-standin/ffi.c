/* Minimal libffi stand-in: see ffi.h beside this file for why it exists. */
#include "ffi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

_Static_assert (sizeof (long) == 4 && sizeof (void *) == 4, "stand-in is for wasm32 only");

#define STANDIN_TYPE(name, ctype, code) \
  ffi_type ffi_type_##name = { sizeof (ctype), _Alignof (ctype), code, NULL }

ffi_type ffi_type_void = { 1, 1, FFI_TYPE_VOID, NULL };
STANDIN_TYPE (uint8, uint8_t, FFI_TYPE_UINT8);
STANDIN_TYPE (sint8, int8_t, FFI_TYPE_SINT8);
STANDIN_TYPE (uint16, uint16_t, FFI_TYPE_UINT16);
STANDIN_TYPE (sint16, int16_t, FFI_TYPE_SINT16);
STANDIN_TYPE (uint32, uint32_t, FFI_TYPE_UINT32);
STANDIN_TYPE (sint32, int32_t, FFI_TYPE_SINT32);
STANDIN_TYPE (uint64, uint64_t, FFI_TYPE_UINT64);
STANDIN_TYPE (sint64, int64_t, FFI_TYPE_SINT64);
STANDIN_TYPE (float, float, FFI_TYPE_FLOAT);
STANDIN_TYPE (double, double, FFI_TYPE_DOUBLE);
STANDIN_TYPE (pointer, void *, FFI_TYPE_POINTER);

ffi_status
ffi_prep_cif (ffi_cif *cif, ffi_abi abi, unsigned int nargs, ffi_type *rtype, ffi_type **atypes)
{
  unsigned int i;

  if (cif == NULL || rtype == NULL || (nargs > 0 && atypes == NULL))
    return FFI_BAD_TYPEDEF;
  if (abi != FFI_DEFAULT_ABI)
    return FFI_BAD_ABI;

  cif->abi = abi;
  cif->nargs = nargs;
  cif->arg_types = atypes;
  cif->rtype = rtype;
  cif->bytes = 0;
  for (i = 0; i < nargs; i++)
    cif->bytes += (unsigned) atypes[i]->size;
  cif->flags = 0;
  return FFI_OK;
}

void
ffi_call (ffi_cif *cif, void (*fn) (void), void *rvalue, void **avalue)
{
  (void) fn;
  (void) rvalue;
  (void) avalue;
  fprintf (stderr,
           "libffi stand-in: ffi_call reached (%u args): GObject's generic closure marshaller "
           "ran, which this WASM build does not support. Aborting.\n",
           cif ? cif->nargs : 0u);
  fflush (stderr);
  abort ();
}
