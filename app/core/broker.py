"""The embedded broker: kombu's filesystem transport, made safe for a worker that reads
while the web server writes.

kombu creates a message's file and only then writes into it, and the worker moves and
reads any ``*.msg`` file it sees without waiting: a worker polling at the wrong moment
reads an empty file, and the JSON error stops the whole worker. Here a message is
written under a name the worker ignores and renamed into place, which is atomic on
one file system, so a listed message is always complete. A message that still cannot
be read (a disk that filled up mid-write) is logged and skipped instead of stopping
every other task.

`install()` makes this the transport behind every `filesystem://` URL in the process
(web server, worker, beat and any producer), whatever else the settings say.
"""

import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu import transport as transports
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

log = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".part"  # not "<queue>.msg": the worker does not pick it up
        try:
            with open(partial, "wb") as stream:
                stream.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        while True:
            try:
                return super()._get(queue)
            except ValueError:  # Empty is raised when nothing readable is left
                log.error("A message on queue %s could not be read and was skipped", queue)


class Transport(filesystem.Transport):
    Channel = Channel



def install():
    name = f"{__name__}:Transport"
    if transports.TRANSPORT_ALIASES.get("filesystem") != name:
        transports.TRANSPORT_ALIASES["filesystem"] = name
        transports._transport_cache.pop("filesystem", None)  # resolved before: resolve again
