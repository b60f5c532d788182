// MPI_Allreduce and MPI_Bcast over MPI_COMM_WORLD for float32 arrays, from Open MPI, so that
// dist.backend: mpi can move gradients with whatever transport Open MPI picks (shared memory,
// TCP, InfiniBand). Each collective runs on a libuv pool thread, one at a time
// (MPI_THREAD_SERIALIZED): the event loop keeps serving the control plane meanwhile.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <dlfcn.h>
#include <limits.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum state { FRESH, RUNNING, FINISHED };
static enum state mpi_state = FRESH;
static int world_rank = -1;
static int world_size = -1;
// Whether a collective is on a pool thread: a second one is refused, never overlapped.
static bool busy = false;

static napi_value throw_mpi(napi_env env, const char* what, int err) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(err, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "MPI error %d", err);
  char msg[MPI_MAX_ERROR_STRING + 128];
  snprintf(msg, sizeof msg, "%s failed: %s", what, text);
  napi_throw_error(env, "EMPI", msg);
  return NULL;
}

static napi_value world(napi_env env) {
  napi_value obj, r, s;
  napi_create_object(env, &obj);
  napi_create_int32(env, world_rank, &r);
  napi_create_int32(env, world_size, &s);
  napi_set_named_property(env, obj, "rank", r);
  napi_set_named_property(env, obj, "size", s);
  return obj;
}

// Open MPI dlopens its components (mca_*.so); Node loads this addon, and so libmpi, RTLD_LOCAL.
// Debian's components name libmpi themselves and load either way (checked), but a build whose
// components expect libmpi's symbols in the global scope fails with "undefined symbol" in
// mca_*.so. Reopening libmpi RTLD_GLOBAL promotes it (and its dependencies) before MPI_Init.
static const char* promote_libmpi(void) {
  Dl_info info;
  if (dladdr((void*)&MPI_Init_thread, &info) == 0 || info.dli_fname == NULL) return "cannot find the file of libmpi";
  if (dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == NULL) return dlerror();
  return NULL;
}

// init(): MPI_Init_thread once per process; returns { rank, size } of MPI_COMM_WORLD.
static napi_value init(napi_env env, napi_callback_info info) {
  (void)info;
  if (mpi_state == RUNNING) return world(env);
  if (mpi_state == FINISHED) {
    napi_throw_error(env, "EMPI", "MPI was finalized in this process and cannot start again (one MPI group per process)");
    return NULL;
  }
  const char* why = promote_libmpi();
  if (why != NULL) {
    char msg[512];
    snprintf(msg, sizeof msg, "cannot make libmpi's symbols global for Open MPI's components: %s", why);
    napi_throw_error(env, "EMPI", msg);
    return NULL;
  }
  int provided = MPI_THREAD_SINGLE;
  int err = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
  if (err != MPI_SUCCESS) return throw_mpi(env, "MPI_Init_thread", err);
  mpi_state = RUNNING;
  // Errors come back as codes, for a message naming the call, rather than aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (provided < MPI_THREAD_SERIALIZED) {
    napi_throw_error(env, "EMPI", "this MPI library does not allow calls from several threads one at a time (MPI_THREAD_SERIALIZED)");
    return NULL;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  return world(env);
}

// finalize(): MPI_Finalize, which waits for every rank to call it. Returns false, doing nothing,
// while a collective is still on a pool thread (a failed group) or MPI never started.
static napi_value finalize(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  bool done = mpi_state == RUNNING && !busy;
  if (done) {
    MPI_Finalize();
    mpi_state = FINISHED;
  }
  napi_get_boolean(env, done, &result);
  return result;
}

struct op {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref array;
  float* data;
  size_t length;
  int root;  // -1: allreduce
  bool mean;
  int err;
  const char* call;
};

static void execute(napi_env env, void* p) {
  (void)env;
  struct op* op = p;
  // MPI counts are ints: an array beyond INT_MAX floats goes in pieces.
  for (size_t at = 0; at < op->length && op->err == MPI_SUCCESS;) {
    int n = op->length - at > INT_MAX ? INT_MAX : (int)(op->length - at);
    op->err = op->root < 0 ? MPI_Allreduce(MPI_IN_PLACE, op->data + at, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD)
                           : MPI_Bcast(op->data + at, n, MPI_FLOAT, op->root, MPI_COMM_WORLD);
    at += (size_t)n;
  }
  // Every rank holds the same sum, so the same float32 division gives every rank the same bits
  // (and the ring's: it divides the float32 sum by the world size too).
  if (op->err == MPI_SUCCESS && op->mean) {
    float n = (float)world_size;
    for (size_t i = 0; i < op->length; i++) op->data[i] = op->data[i] / n;
  }
}

static void complete(napi_env env, napi_status status, void* p) {
  struct op* op = p;
  busy = false;
  if (status != napi_ok || op->err != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING] = "the work was cancelled";
    int len = 0;
    if (op->err != MPI_SUCCESS && MPI_Error_string(op->err, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "MPI error %d", op->err);
    char msg[MPI_MAX_ERROR_STRING + 64];
    snprintf(msg, sizeof msg, "%s failed: %s", op->call, text);
    napi_value m, e;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
    napi_create_error(env, NULL, m, &e);
    napi_reject_deferred(env, op->deferred, e);
  } else {
    napi_value undef;
    napi_get_undefined(env, &undef);
    napi_resolve_deferred(env, op->deferred, undef);
  }
  napi_delete_reference(env, op->array);
  napi_delete_async_work(env, op->work);
  free(op);
}

// Starts one collective on (array: Float32Array); returns its promise.
static napi_value start(napi_env env, napi_value array, int root, bool mean, const char* call) {
  if (mpi_state != RUNNING) {
    napi_throw_error(env, "EMPI", "MPI is not running in this process (call init first)");
    return NULL;
  }
  if (busy) {
    napi_throw_error(env, "EMPI", "another MPI collective is still running; they run one at a time");
    return NULL;
  }
  bool typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  if (napi_is_typedarray(env, array, &typed) != napi_ok || !typed ||
      napi_get_typedarray_info(env, array, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "expected a Float32Array");
    return NULL;
  }
  struct op* op = calloc(1, sizeof *op);
  if (op == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  *op = (struct op){.data = data, .length = length, .root = root, .mean = mean, .err = MPI_SUCCESS, .call = call};
  napi_value promise, name;
  napi_create_promise(env, &op->deferred, &promise);
  // The reference keeps the array, and so its memory, alive until the pool thread is done with it.
  napi_create_reference(env, array, 1, &op->array);
  napi_create_string_utf8(env, call, NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, op, &op->work);
  busy = true;
  napi_queue_async_work(env, op->work);
  return promise;
}

// allreduce(array: Float32Array, mean: boolean): Promise<void>, the sum (or mean) in place.
static napi_value allreduce(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool mean = false;
  if (argc < 2 || napi_get_value_bool(env, argv[1], &mean) != napi_ok) {
    napi_throw_type_error(env, NULL, "allreduce(array, mean): mean must be a boolean");
    return NULL;
  }
  return start(env, argv[0], -1, mean, "MPI_Allreduce");
}

// broadcast(array: Float32Array, root: number): Promise<void>, root's values into every rank's array.
static napi_value broadcast(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t root = -1;
  if (argc < 2 || napi_get_value_int32(env, argv[1], &root) != napi_ok || root < 0 || (mpi_state == RUNNING && root >= world_size)) {
    napi_throw_range_error(env, NULL, "broadcast(array, root): root must be a rank of MPI_COMM_WORLD");
    return NULL;
  }
  return start(env, argv[0], root, false, "MPI_Bcast");
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"init", NULL, init, NULL, NULL, NULL, napi_default, NULL},
      {"finalize", NULL, finalize, NULL, NULL, NULL, napi_default, NULL},
      {"allreduce", NULL, allreduce, NULL, NULL, NULL, napi_default, NULL},
      {"broadcast", NULL, broadcast, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
