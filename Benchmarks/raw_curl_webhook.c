/* Baseline for Benchmarks/webhook-dispatch.sh: N JSON POSTs to one HTTP
 * server with raw libcurl, a multi handle, at most 8 reused connections,
 * no signing and no spool. Usage: raw_curl_webhook PORT N */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

static const char *body =
    "{\"type\":\"reminder.sent\",\"stage\":\"overdue\",\"customer\":{\"id\":\"d1\",\"name\":\"Debtor 1\"},"
    "\"invoices\":[{\"number\":\"B-1\",\"amount\":\"1200.00\",\"currency\":\"EUR\",\"due\":\"2027-02-01\"}]}";

static size_t sink(char *data, size_t size, size_t count, void *userdata) {
    (void)data; (void)userdata;
    return size * count;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%s/hooks", argv[1]);
    int total = atoi(argv[2]), started = 0, done = 0, failed = 0;
    curl_global_init(CURL_GLOBAL_ALL);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    while (done < total) {
        while (started < total && started - done < 64) {
            CURL *easy = curl_easy_init();
            curl_easy_setopt(easy, CURLOPT_URL, url);
            curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, sink);
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
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result != CURLE_OK || status != 200) failed++;
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
