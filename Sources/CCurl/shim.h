#ifndef KNOOPPUNT_CCURL_SHIM_H
#define KNOOPPUNT_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls these typed forms instead. */
static inline CURLcode kp_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kp_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*kp_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode kp_curl_setopt_write_function(CURL *handle, CURLoption option, kp_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode kp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
