package org.uwsgi4j.plugin.http;

import java.util.List;

/** Which nodes a request may go to, in the order to try them, and what the router learnt of a node. */
interface Balancer {

    /** The nodes to try for a request to {@code host} (its Host header, or null), first one first; empty: none. */
    List<Backends.Node> order(String host);

    /** {@code node} refused, reset or closed without a response. */
    void failed(Backends.Node node);

    /** {@code node} answered. */
    void answered(Backends.Node node);
}
