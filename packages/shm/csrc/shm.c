// POSIX shared memory mapped as ArrayBuffers, so that ranks on one host can read each other's
// partial sums without copying them through a socket. Node has no mmap of its own.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// Throws an Error whose `code` is the errno name (EEXIST, ENOSPC, ...), which callers act on.
static napi_value throw_errno(napi_env env, int err, const char* what, const char* name) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s %s: %s", what, name, strerror(err));
  const char* code = strerrorname_np(err);
  napi_throw_error(env, code ? code : "EUNKNOWN", msg);
  return NULL;
}

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

// Reads (name: string, bytes: number) into the buffers; returns 0 after throwing a TypeError.
static int read_args(napi_env env, napi_callback_info info, char* name, size_t name_len, size_t* bytes) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t got = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], name, name_len, &got) != napi_ok || got == 0 || got + 1 >= name_len) {
    napi_throw_type_error(env, NULL, "expected a shared-memory name (a string of 1 to 250 bytes)");
    return 0;
  }
  double b = 0;
  if (napi_get_value_double(env, argv[1], &b) != napi_ok || !(b >= 1) || b != (double)(size_t)b) {
    napi_throw_type_error(env, NULL, "expected a size in bytes (a positive integer)");
    return 0;
  }
  *bytes = (size_t)b;
  return 1;
}

static napi_value map_fd(napi_env env, int fd, size_t bytes, const char* name) {
  void* p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (p == MAP_FAILED) return throw_errno(env, err, "cannot map shared memory", name);
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, bytes, unmap, (void*)(uintptr_t)bytes, &ab) != napi_ok) {
    munmap(p, bytes);
    napi_throw_error(env, NULL, "cannot wrap shared memory in an ArrayBuffer");
    return NULL;
  }
  return ab;
}

// create(name, bytes): a new zero-filled region. Its pages are reserved up front (fallocate), so
// a full /dev/shm is an ENOSPC error here rather than a SIGBUS on first touch.
static napi_value create(napi_env env, napi_callback_info info) {
  char name[256];
  size_t bytes;
  if (!read_args(env, info, name, sizeof name, &bytes)) return NULL;
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return throw_errno(env, errno, "cannot create shared memory", name);
  int err = posix_fallocate(fd, 0, (off_t)bytes);
  if (err != 0) {
    close(fd);
    shm_unlink(name);
    return throw_errno(env, err, "cannot reserve shared memory for", name);
  }
  return map_fd(env, fd, bytes, name);
}

// open(name, bytes): a region another process created, which must have exactly that size.
static napi_value open_region(napi_env env, napi_callback_info info) {
  char name[256];
  size_t bytes;
  if (!read_args(env, info, name, sizeof name, &bytes)) return NULL;
  int fd = shm_open(name, O_RDWR, 0);
  if (fd < 0) return throw_errno(env, errno, "cannot open shared memory", name);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "cannot stat shared memory", name);
  }
  if ((size_t)st.st_size != bytes) {
    close(fd);
    char msg[400];
    snprintf(msg, sizeof msg, "shared memory %s has %lld bytes, expected %zu", name, (long long)st.st_size, bytes);
    napi_throw_error(env, "ESIZE", msg);
    return NULL;
  }
  return map_fd(env, fd, bytes, name);
}

// unlink(name): true when removed, false when it was not there.
static napi_value unlink_region(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char name[256];
  size_t got = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &got) != napi_ok || got == 0) {
    napi_throw_type_error(env, NULL, "expected a shared-memory name");
    return NULL;
  }
  int removed = shm_unlink(name) == 0;
  if (!removed && errno != ENOENT) return throw_errno(env, errno, "cannot remove shared memory", name);
  napi_value result;
  napi_get_boolean(env, removed, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, open_region, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unlink", NULL, unlink_region, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
