/* multipathd's client mode (client.c): words given after the options are
 * sent to the running daemon with the incumbent's verbs and replies.
 * Returns the process exit status. */
#ifndef MPD_CLIENT_H
#define MPD_CLIENT_H

int mpd_client_run(const char *socket_path, int argc, char **argv);

#endif
