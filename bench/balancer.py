#!/usr/bin/env python3
"""A queueing TCP balancer on the loopback, for ``bench/desk_load.py``.

It passes at most ``--limit`` connections at once to the server and holds
the others in a queue, first come first served, as HAProxy's ``maxconn``
per server or nginx's ``max_conns`` do in front of Odoo. Without it, a
busy desk's connections wait in the kernel's accept queue of
``odoo-bin``'s prefork server (8 x workers), which drops the ones past it
(bench/README.md, "A busy desk"). Odoo answers one request per connection
there, so a connection holds a slot for one call.
Usage: ``balancer.py --port P --upstream-port Q --limit N``; it prints
``listening`` once it accepts connections.
"""

import argparse
import asyncio

CHUNK = 65536


async def pipe(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        if writer.can_write_eof():
            try:
                writer.write_eof()
            except OSError:
                pass


async def serve(port, upstream_port, limit):
    slots = asyncio.Semaphore(limit)
    # asyncio keeps no strong reference to a connection's task once the
    # client's side is closed: without these, one could vanish mid-call
    handling = set()

    async def handle(client_reader, client_writer):
        handling.add(asyncio.current_task())
        try:
            async with slots:
                try:
                    server_reader, server_writer = await asyncio.open_connection(
                        "127.0.0.1", upstream_port
                    )
                except OSError:
                    return  # the client sees its connection closed, unanswered
                request = asyncio.create_task(pipe(client_reader, server_writer))
                try:
                    # the answer, until the server closes: the slot is free
                    await pipe(server_reader, client_writer)
                finally:
                    request.cancel()
                    server_writer.close()
        finally:
            client_writer.close()
            handling.discard(asyncio.current_task())

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--limit", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.upstream_port, args.limit))


if __name__ == "__main__":
    main()
