// VK_LAYER_RWP_device_select: an explicit Vulkan instance layer that shows the application only
// the physical device named by the environment variable RWP_VK_DEVICE.
//
// Why: Dawn's Node binding takes the first adapter whose name matches, and the GPUs of one host
// are usually identical ("NVIDIA H200" eight times), so worker i cannot pick GPU i from Dawn.
// Vulkan ignores CUDA_VISIBLE_DEVICES; this layer is its equivalent for Vulkan.
//
// RWP_VK_DEVICE is either
//   - an index (0-based) into the physical devices sorted by PCI address (VK_EXT_pci_bus_info),
//     which is nvidia-smi's numbering; devices without a PCI address (CPU drivers such as
//     SwiftShader or lavapipe) follow, in the loader's order; or
//   - a GPU UUID as `nvidia-smi -L` prints it (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), matched
//     against VkPhysicalDeviceIDProperties.deviceUUID (on NVIDIA the same bytes as CUDA's UUID).
// Unset or empty: the layer changes nothing. An index past the end or an unknown UUID leaves no
// device at all (better than silently sharing another worker's GPU) and says so on stderr.
//
// Enabled with VK_LAYER_PATH=<dir of VkLayer_rwp_device_select.json> and
// VK_INSTANCE_LAYERS=VK_LAYER_RWP_device_select (see src/device-select.ts).
#define VK_NO_PROTOTYPES // never link against the loader: everything goes down the chain
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYER_NAME "VK_LAYER_RWP_device_select"

// Dispatchable handles start with a pointer to the loader's dispatch table; the loader gives an
// instance and its physical devices the same one, so it identifies the instance for both.
static void *key_of(const void *handle) { return *(void *const *)handle; }

// What one instance needs from the next layer down.
struct instance {
  struct instance *next;
  void *key;
  VkInstance handle;
  int warned; // the stderr line, once per instance rather than once per enumeration
  PFN_vkGetInstanceProcAddr gipa;
  PFN_vkDestroyInstance destroy;
  PFN_vkEnumeratePhysicalDevices enumerate;
  PFN_vkEnumeratePhysicalDeviceGroups groups;
  PFN_vkEnumeratePhysicalDeviceGroups groups_khr;
  PFN_vkGetPhysicalDeviceProperties props;
  PFN_vkGetPhysicalDeviceProperties2 props2; // core or KHR, NULL if neither is usable
  PFN_vkEnumerateDeviceExtensionProperties device_exts;
};

// vkGetDeviceProcAddr must forward what this layer does not intercept, so each device keeps
// the next layer's.
struct device {
  struct device *next;
  void *key;
  PFN_vkGetDeviceProcAddr gdpa;
  PFN_vkDestroyDevice destroy;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct instance *instances;
static struct device *devices;

static struct instance *find_instance(const void *handle) {
  if (!handle) return NULL;
  void *key = key_of(handle);
  pthread_mutex_lock(&lock);
  struct instance *i = instances;
  while (i && i->key != key) i = i->next;
  pthread_mutex_unlock(&lock);
  return i;
}

static struct device *find_device(const void *handle) {
  if (!handle) return NULL;
  void *key = key_of(handle);
  pthread_mutex_lock(&lock);
  struct device *d = devices;
  while (d && d->key != key) d = d->next;
  pthread_mutex_unlock(&lock);
  return d;
}

// ---- which device -------------------------------------------------------------------------

struct candidate {
  VkPhysicalDevice pd;
  int has_pci;
  uint32_t pci[4]; // domain, bus, device, function
  uint8_t uuid[VK_UUID_SIZE];
  char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
  uint32_t order; // the loader's
};

static int has_pci_bus_info(struct instance *in, VkPhysicalDevice pd) {
  uint32_t n = 0;
  if (in->device_exts(pd, NULL, &n, NULL) != VK_SUCCESS || n == 0) return 0;
  VkExtensionProperties *e = calloc(n, sizeof *e);
  int found = 0;
  if (e && in->device_exts(pd, NULL, &n, e) >= VK_SUCCESS)
    for (uint32_t k = 0; k < n && !found; k++) found = !strcmp(e[k].extensionName, VK_EXT_PCI_BUS_INFO_EXTENSION_NAME);
  free(e);
  return found;
}

static void describe(struct instance *in, struct candidate *c) {
  VkPhysicalDeviceProperties p;
  in->props(c->pd, &p);
  memcpy(c->name, p.deviceName, sizeof c->name);
  if (!in->props2) return; // no UUID, no PCI address: index in the loader's order only
  c->has_pci = has_pci_bus_info(in, c->pd);
  VkPhysicalDevicePCIBusInfoPropertiesEXT pci = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT};
  VkPhysicalDeviceIDProperties id = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES, .pNext = c->has_pci ? &pci : NULL};
  VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &id};
  in->props2(c->pd, &p2); // (the loader copes with a 1.0 device under a 1.1 instance)
  memcpy(c->uuid, id.deviceUUID, sizeof c->uuid);
  c->pci[0] = pci.pciDomain, c->pci[1] = pci.pciBus, c->pci[2] = pci.pciDevice, c->pci[3] = pci.pciFunction;
}

// PCI devices by address first (nvidia-smi's order), then the others as the loader listed them.
static int by_pci(const void *a, const void *b) {
  const struct candidate *x = a, *y = b;
  if (x->has_pci != y->has_pci) return y->has_pci - x->has_pci;
  if (x->has_pci)
    for (int k = 0; k < 4; k++)
      if (x->pci[k] != y->pci[k]) return x->pci[k] < y->pci[k] ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

// "GPU-8b1b5f3c-..." (or the bare 32 hex digits, any case) into 16 bytes; 0 if it is not one.
static int parse_uuid(const char *s, uint8_t out[VK_UUID_SIZE]) {
  if (!strncmp(s, "GPU-", 4)) s += 4;
  unsigned digits = 0;
  for (; *s; s++) {
    if (*s == '-') continue;
    if (!isxdigit((unsigned char)*s) || digits == 2 * VK_UUID_SIZE) return 0;
    unsigned v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
    out[digits / 2] = (uint8_t)(digits % 2 ? out[digits / 2] | v : v << 4);
    digits++;
  }
  return digits == 2 * VK_UUID_SIZE;
}

static void format_uuid(const uint8_t u[VK_UUID_SIZE], char out[41]) {
  char *o = out + sprintf(out, "GPU-");
  for (unsigned k = 0; k < VK_UUID_SIZE; k++) o += sprintf(o, "%s%02x", k == 4 || k == 6 || k == 8 || k == 10 ? "-" : "", u[k]);
}

// All physical devices from the next layer, NULL with *count = 0 if there are none.
static VkResult next_devices(struct instance *in, uint32_t *count, VkPhysicalDevice **out) {
  *out = NULL;
  for (;;) {
    VkResult r = in->enumerate(in->handle, count, NULL);
    if (r != VK_SUCCESS || *count == 0) return r;
    *out = calloc(*count, sizeof **out);
    if (!*out) return VK_ERROR_OUT_OF_HOST_MEMORY;
    r = in->enumerate(in->handle, count, *out);
    if (r != VK_INCOMPLETE) return r; // a device appeared between the two calls: again
    free(*out);
  }
}

// The selected device, or VK_NULL_HANDLE if the selection names none (said once on stderr).
static VkResult selected(struct instance *in, const char *want, VkPhysicalDevice *sel) {
  *sel = VK_NULL_HANDLE;
  uint32_t n = 0;
  VkPhysicalDevice *all;
  VkResult r = next_devices(in, &n, &all);
  if (r != VK_SUCCESS) return r;
  struct candidate *c = calloc(n ? n : 1, sizeof *c);
  if (!c) return free(all), VK_ERROR_OUT_OF_HOST_MEMORY;
  for (uint32_t k = 0; k < n; k++) c[k].pd = all[k], c[k].order = k, describe(in, &c[k]);
  qsort(c, n, sizeof *c, by_pci);

  uint8_t uuid[VK_UUID_SIZE];
  char *end;
  unsigned long index = strtoul(want, &end, 10);
  if (isdigit((unsigned char)want[0]) && *end == '\0') {
    if (index < n) *sel = c[index].pd;
  } else if (parse_uuid(want, uuid)) {
    // The first match: real GPUs have distinct UUIDs (two ICDs of one software driver may not).
    for (uint32_t k = 0; k < n && !*sel; k++)
      if (!memcmp(c[k].uuid, uuid, sizeof uuid)) *sel = c[k].pd;
  }
  if (!*sel && !in->warned) {
    // One line: what was asked, how many devices there are, and what they are, in index order.
    in->warned = 1;
    fprintf(stderr, LAYER_NAME ": RWP_VK_DEVICE=%s selects none of the %u Vulkan devices", want, n);
    for (uint32_t k = 0; k < n; k++) {
      char u[41];
      format_uuid(c[k].uuid, u);
      fprintf(stderr, "%s %u: %s %s", k ? ";" : ":", k, c[k].name, u);
      if (c[k].has_pci) fprintf(stderr, " pci %04x:%02x:%02x.%x", c[k].pci[0], c[k].pci[1], c[k].pci[2], c[k].pci[3]);
    }
    fputc('\n', stderr);
  }
  free(c);
  free(all);
  return VK_SUCCESS;
}

static const char *selection(void) {
  const char *s = getenv("RWP_VK_DEVICE");
  return s && *s ? s : NULL;
}

// ---- intercepted instance functions -------------------------------------------------------

static VkResult VKAPI_CALL EnumeratePhysicalDevices(VkInstance instance, uint32_t *pCount, VkPhysicalDevice *pDevices) {
  struct instance *in = find_instance(instance);
  const char *want = selection();
  if (!want) return in->enumerate(instance, pCount, pDevices);
  VkPhysicalDevice sel;
  VkResult r = selected(in, want, &sel);
  if (r != VK_SUCCESS) return r;
  uint32_t n = sel ? 1 : 0;
  if (!pDevices) return *pCount = n, VK_SUCCESS;
  if (*pCount < n) return *pCount = 0, VK_INCOMPLETE;
  if (n) pDevices[0] = sel;
  *pCount = n;
  return VK_SUCCESS;
}

// Only the group that holds the selected device, reduced to that device.
static VkResult enumerate_groups(VkInstance instance, uint32_t *pCount, VkPhysicalDeviceGroupProperties *pGroups, int khr) {
  struct instance *in = find_instance(instance);
  PFN_vkEnumeratePhysicalDeviceGroups next = khr ? in->groups_khr : in->groups;
  const char *want = selection();
  if (!want) return next(instance, pCount, pGroups);
  VkPhysicalDevice sel;
  VkResult r = selected(in, want, &sel);
  if (r != VK_SUCCESS) return r;
  uint32_t n = 0;
  VkPhysicalDeviceGroupProperties *all = NULL;
  if (sel) {
    // Ask for all groups, then keep the one with the selected device in it.
    for (;;) {
      if ((r = next(instance, &n, NULL)) != VK_SUCCESS || n == 0) break;
      if (!(all = calloc(n, sizeof *all))) return VK_ERROR_OUT_OF_HOST_MEMORY;
      for (uint32_t g = 0; g < n; g++) all[g].sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_GROUP_PROPERTIES;
      if ((r = next(instance, &n, all)) != VK_INCOMPLETE) break;
      free(all), all = NULL;
    }
    if (r != VK_SUCCESS) return free(all), r;
  }
  int found = 0;
  for (uint32_t g = 0; g < n && !found; g++)
    for (uint32_t k = 0; k < all[g].physicalDeviceCount && !found; k++) found = all[g].physicalDevices[k] == sel;
  free(all);
  if (!pGroups) return *pCount = found, VK_SUCCESS;
  if (*pCount < (uint32_t)found) return *pCount = 0, VK_INCOMPLETE;
  if (found) {
    // The application's sType and pNext stay as it set them.
    pGroups[0].physicalDeviceCount = 1;
    memset(pGroups[0].physicalDevices, 0, sizeof pGroups[0].physicalDevices);
    pGroups[0].physicalDevices[0] = sel;
    pGroups[0].subsetAllocation = VK_FALSE;
  }
  *pCount = found;
  return VK_SUCCESS;
}

static VkResult VKAPI_CALL EnumeratePhysicalDeviceGroups(VkInstance i, uint32_t *c, VkPhysicalDeviceGroupProperties *g) {
  return enumerate_groups(i, c, g, 0);
}
static VkResult VKAPI_CALL EnumeratePhysicalDeviceGroupsKHR(VkInstance i, uint32_t *c, VkPhysicalDeviceGroupProperties *g) {
  return enumerate_groups(i, c, g, 1);
}

static VkResult VKAPI_CALL CreateInstance(const VkInstanceCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator, VkInstance *pInstance) {
  // The loader passes the rest of the chain in pNext; take our link and move it on for the
  // next layer, as the loader-layer interface requires.
  VkLayerInstanceCreateInfo *chain = (VkLayerInstanceCreateInfo *)pCreateInfo->pNext;
  while (chain && !(chain->sType == VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO && chain->function == VK_LAYER_LINK_INFO))
    chain = (VkLayerInstanceCreateInfo *)chain->pNext;
  if (!chain) return VK_ERROR_INITIALIZATION_FAILED;
  PFN_vkGetInstanceProcAddr gipa = chain->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  chain->u.pLayerInfo = chain->u.pLayerInfo->pNext;
  PFN_vkCreateInstance create = (PFN_vkCreateInstance)gipa(VK_NULL_HANDLE, "vkCreateInstance");
  if (!create) return VK_ERROR_INITIALIZATION_FAILED;
  struct instance *in = calloc(1, sizeof *in);
  if (!in) return VK_ERROR_OUT_OF_HOST_MEMORY;
  VkResult r = create(pCreateInfo, pAllocator, pInstance);
  if (r != VK_SUCCESS) return free(in), r;

  VkInstance h = *pInstance;
  in->key = key_of(h), in->handle = h, in->gipa = gipa;
  in->destroy = (PFN_vkDestroyInstance)gipa(h, "vkDestroyInstance");
  in->enumerate = (PFN_vkEnumeratePhysicalDevices)gipa(h, "vkEnumeratePhysicalDevices");
  in->groups = (PFN_vkEnumeratePhysicalDeviceGroups)gipa(h, "vkEnumeratePhysicalDeviceGroups");
  in->groups_khr = (PFN_vkEnumeratePhysicalDeviceGroups)gipa(h, "vkEnumeratePhysicalDeviceGroupsKHR");
  in->props = (PFN_vkGetPhysicalDeviceProperties)gipa(h, "vkGetPhysicalDeviceProperties");
  in->device_exts = (PFN_vkEnumerateDeviceExtensionProperties)gipa(h, "vkEnumerateDeviceExtensionProperties");
  // UUID and PCI address need vkGetPhysicalDeviceProperties2, which the application may call
  // only with Vulkan 1.1 or VK_KHR_get_physical_device_properties2 enabled; a layer may not
  // call more than the application could.
  const VkApplicationInfo *app = pCreateInfo->pApplicationInfo;
  int core = app && app->apiVersion >= VK_API_VERSION_1_1, khr = 0;
  for (uint32_t k = 0; k < pCreateInfo->enabledExtensionCount; k++)
    khr |= !strcmp(pCreateInfo->ppEnabledExtensionNames[k], VK_KHR_GET_PHYSICAL_DEVICE_PROPERTIES_2_EXTENSION_NAME);
  if (core) in->props2 = (PFN_vkGetPhysicalDeviceProperties2)gipa(h, "vkGetPhysicalDeviceProperties2");
  else if (khr) in->props2 = (PFN_vkGetPhysicalDeviceProperties2)gipa(h, "vkGetPhysicalDeviceProperties2KHR");

  pthread_mutex_lock(&lock);
  in->next = instances, instances = in;
  pthread_mutex_unlock(&lock);
  return VK_SUCCESS;
}

static void VKAPI_CALL DestroyInstance(VkInstance instance, const VkAllocationCallbacks *pAllocator) {
  if (!instance) return;
  void *key = key_of(instance);
  pthread_mutex_lock(&lock);
  struct instance **p = &instances;
  while (*p && (*p)->key != key) p = &(*p)->next;
  struct instance *in = *p;
  if (in) *p = in->next;
  pthread_mutex_unlock(&lock);
  if (in) in->destroy(instance, pAllocator);
  free(in);
}

// ---- devices: pass-through, kept only so that vkGetDeviceProcAddr can chain -----------------

static VkResult VKAPI_CALL CreateDevice(VkPhysicalDevice physicalDevice, const VkDeviceCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                                        VkDevice *pDevice) {
  VkLayerDeviceCreateInfo *chain = (VkLayerDeviceCreateInfo *)pCreateInfo->pNext;
  while (chain && !(chain->sType == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO && chain->function == VK_LAYER_LINK_INFO))
    chain = (VkLayerDeviceCreateInfo *)chain->pNext;
  struct instance *in = find_instance(physicalDevice);
  if (!chain || !in) return VK_ERROR_INITIALIZATION_FAILED;
  PFN_vkGetInstanceProcAddr gipa = chain->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  PFN_vkGetDeviceProcAddr gdpa = chain->u.pLayerInfo->pfnNextGetDeviceProcAddr;
  chain->u.pLayerInfo = chain->u.pLayerInfo->pNext;
  PFN_vkCreateDevice create = (PFN_vkCreateDevice)gipa(in->handle, "vkCreateDevice");
  if (!create) return VK_ERROR_INITIALIZATION_FAILED;
  struct device *d = calloc(1, sizeof *d);
  if (!d) return VK_ERROR_OUT_OF_HOST_MEMORY;
  VkResult r = create(physicalDevice, pCreateInfo, pAllocator, pDevice);
  if (r != VK_SUCCESS) return free(d), r;
  d->key = key_of(*pDevice), d->gdpa = gdpa;
  d->destroy = (PFN_vkDestroyDevice)gdpa(*pDevice, "vkDestroyDevice");
  pthread_mutex_lock(&lock);
  d->next = devices, devices = d;
  pthread_mutex_unlock(&lock);
  return VK_SUCCESS;
}

static void VKAPI_CALL DestroyDevice(VkDevice device, const VkAllocationCallbacks *pAllocator) {
  if (!device) return;
  void *key = key_of(device);
  pthread_mutex_lock(&lock);
  struct device **p = &devices;
  while (*p && (*p)->key != key) p = &(*p)->next;
  struct device *d = *p;
  if (d) *p = d->next;
  pthread_mutex_unlock(&lock);
  if (d) d->destroy(device, pAllocator);
  free(d);
}

// ---- proc addresses -----------------------------------------------------------------------
// The functions above are static and renamed on purpose: a layer exporting vkGetInstanceProcAddr
// would see its own references bound to the loader's symbol of that name.

static PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char *pName) {
  if (!strcmp(pName, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)GetDeviceProcAddr;
  if (!strcmp(pName, "vkDestroyDevice")) return (PFN_vkVoidFunction)DestroyDevice;
  struct device *d = find_device(device);
  return d ? d->gdpa(device, pName) : NULL;
}

static PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char *pName) {
  static const struct {
    const char *name;
    PFN_vkVoidFunction fn;
  } ours[] = {
      {"vkGetInstanceProcAddr", (PFN_vkVoidFunction)GetInstanceProcAddr},
      {"vkCreateInstance", (PFN_vkVoidFunction)CreateInstance},
      {"vkDestroyInstance", (PFN_vkVoidFunction)DestroyInstance},
      {"vkEnumeratePhysicalDevices", (PFN_vkVoidFunction)EnumeratePhysicalDevices},
      {"vkCreateDevice", (PFN_vkVoidFunction)CreateDevice},
      {"vkGetDeviceProcAddr", (PFN_vkVoidFunction)GetDeviceProcAddr},
  };
  for (size_t k = 0; k < sizeof ours / sizeof ours[0]; k++)
    if (!strcmp(pName, ours[k].name)) return ours[k].fn;
  struct instance *in = find_instance(instance);
  if (!in) return NULL;
  // The group queries only where the next layer has them (1.1, or the KHR extension enabled).
  if (!strcmp(pName, "vkEnumeratePhysicalDeviceGroups")) return in->groups ? (PFN_vkVoidFunction)EnumeratePhysicalDeviceGroups : NULL;
  if (!strcmp(pName, "vkEnumeratePhysicalDeviceGroupsKHR")) return in->groups_khr ? (PFN_vkVoidFunction)EnumeratePhysicalDeviceGroupsKHR : NULL;
  return in->gipa(instance, pName);
}

// The one exported symbol: the loader calls it first and takes our entry points from it.
VK_LAYER_EXPORT VkResult VKAPI_CALL vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *p) {
  if (!p || p->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT || p->loaderLayerInterfaceVersion < 2) return VK_ERROR_INITIALIZATION_FAILED;
  p->loaderLayerInterfaceVersion = 2;
  p->pfnGetInstanceProcAddr = GetInstanceProcAddr;
  p->pfnGetDeviceProcAddr = GetDeviceProcAddr;
  p->pfnGetPhysicalDeviceProcAddr = NULL;
  return VK_SUCCESS;
}
