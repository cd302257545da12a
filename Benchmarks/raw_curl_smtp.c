/* Baseline for Benchmarks/smtp-dispatch.sh: N messages to one SMTP server
 * with raw libcurl, a multi handle and at most 8 reused connections, no spool.
 * Usage: raw_curl_smtp PORT N */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *body =
    "From: Northwind Accounts <accounts@northwind.example>\r\n"
    "To: ap@example.com\r\nSubject: Payment reminder\r\nMessage-ID: <bench@northwind.example>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "Dear customer,\r\n\r\nOur records show invoice INV-1 of EUR 1,200.00 as unpaid.\r\n\r\nKind regards\r\n";

struct upload { size_t offset; };

static size_t reader(char *buffer, size_t size, size_t count, void *userdata) {
    struct upload *up = userdata;
    size_t left = strlen(body) - up->offset;
    size_t n = size * count < left ? size * count : left;
    memcpy(buffer, body + up->offset, n);
    up->offset += n;
    return n;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    char url[64];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%s", argv[1]);
    int total = atoi(argv[2]), started = 0, done = 0, failed = 0;
    curl_global_init(CURL_GLOBAL_ALL);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
    struct curl_slist *rcpt = curl_slist_append(NULL, "<ap@example.com>");
    struct upload *uploads = calloc((size_t)total, sizeof *uploads);
    while (done < total) {
        while (started < total && started - done < 64) {
            CURL *easy = curl_easy_init();
            curl_easy_setopt(easy, CURLOPT_URL, url);
            curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(easy, CURLOPT_MAIL_FROM, "<accounts@northwind.example>");
            curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, rcpt);
            curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(easy, CURLOPT_READFUNCTION, reader);
            curl_easy_setopt(easy, CURLOPT_READDATA, &uploads[started]);
            curl_multi_add_handle(multi, easy);
            started++;
        }
        int running = 0, finished = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            finished++;
            if (msg->msg != CURLMSG_DONE) continue;
            if (msg->data.result != CURLE_OK) failed++;
            curl_multi_remove_handle(multi, msg->easy_handle);
            curl_easy_cleanup(msg->easy_handle);
            done++;
        }
        /* Waiting only when nothing finished: a finished transfer frees a
         * connection that a queued one should take at once. */
        if (!finished) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    printf("%d sent, %d failed\n", total - failed, failed);
    return failed != 0;
}
