#ifndef KNOOPPUNT_CCURL_SHIM_H
#define KNOOPPUNT_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls these typed forms instead. */
static inline CURLcode kp_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kp_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kp_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode kp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
/* Also the shape of CURLOPT_HEADERFUNCTION's callback. */
typedef size_t (*kp_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode kp_curl_setopt_write_function(CURL *handle, CURLoption option, kp_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
typedef int (*kp_curl_xferinfo_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                         curl_off_t upload_total, curl_off_t upload_now);
static inline CURLcode kp_curl_setopt_xferinfo_function(CURL *handle, kp_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
/* CURLOPT_SSL_CTX_FUNCTION: `ssl_ctx` is the OpenSSL SSL_CTX* of a connection about to handshake. */
typedef CURLcode (*kp_curl_ssl_ctx_callback)(CURL *handle, void *ssl_ctx, void *context);
static inline CURLcode kp_curl_setopt_ssl_ctx_function(CURL *handle, kp_curl_ssl_ctx_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, callback);
}
static inline CURLcode kp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode kp_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
/* CURLVERSION_NOW is a macro naming an enum value, which Swift does not import. */
static inline curl_version_info_data *kp_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }

#endif
