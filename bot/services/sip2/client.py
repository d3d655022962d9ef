"""A blocking SIP2 client with a small connection pool, for actions run in threads.

- Every connection logs in (93) with the assistant's SIP user once; the password is sent
  and never logged (neither are frames: they carry readers' passwords).
- Connect and every answer have a time limit (`timeout`); waiting for a free connection
  too. A connection that timed out or read a bad answer is closed, never reused, so a
  late answer cannot be taken for the answer to the next request.
- Each request carries the connection's next sequence number (AY) and a checksum (AZ);
  the answer must carry a valid checksum and the same sequence number. Otherwise the
  client asks the ILS once to send its answer again (97), which repeats nothing, and
  then gives up. A `96` (the ILS could not read the request, so did not act on it) is
  answered by sending the request once more.
- A request is never sent twice otherwise. When one that changes something (a renewal,
  a hold) got no usable answer, OutcomeUnknownError says it may have been carried out.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from dataclasses import dataclass, field

from bot.services.interface import OutcomeUnknownError, ServiceUnavailableError
from bot.services.sip2.codec import FrameError, Message, decode, encode

logger = logging.getLogger(__name__)

MAX_FRAME = 64 * 1024
#: an idle connection older than this is closed rather than reused (ILSes drop them)
IDLE_LIMIT = 60.0


class Sip2Error(ServiceUnavailableError):
    """The ILS cannot be reached, is too slow, or answers something unusable."""


@dataclass(frozen=True)
class Sip2Config:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    institution: str
    location: str  # the assistant's own location code (CP of the login)
    encoding: str = "utf-8"
    timeout: float = 5.0
    pool_size: int = 4


class Connection:
    """One logged-in TCP connection to the ILS."""

    def __init__(self, sock: socket.socket, config: Sip2Config) -> None:
        self.sock = sock
        self.config = config
        self.buffer = b""
        self.sequence = 0
        self.last_used = time.monotonic()

    def send(self, message: Message, sequence: int | None) -> None:
        self.sock.settimeout(self.config.timeout)
        self.sock.sendall(encode(message, sequence, self.config.encoding))

    def receive(self) -> bytes:
        """The next frame (without its CR), within the time limit."""
        deadline = time.monotonic() + self.config.timeout
        while b"\r" not in self.buffer:
            if len(self.buffer) > MAX_FRAME:
                raise FrameError("answer too long")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer in time")
            self.sock.settimeout(left)
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, "the ILS closed the connection")
            self.buffer += chunk
        frame, _, self.buffer = self.buffer.partition(b"\r")
        return frame

    def reusable(self) -> bool:
        """Idle not too long, not closed by the ILS, and nothing unread on it."""
        if self.buffer or time.monotonic() - self.last_used > IDLE_LIMIT:
            return False
        try:
            self.sock.setblocking(False)
            self.sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            self.sock.setblocking(True)
        return False  # closed by the ILS (nothing to peek), or an answer nobody asked for

    def close(self) -> None:
        self.sock.close()


class Sip2Client:
    def __init__(self, config: Sip2Config) -> None:
        self.config = config
        self._idle: list[Connection] = []
        self._idle_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.pool_size)

    def request(self, message: Message, answer: str, changes: bool = False) -> Message:
        """Sends message and returns the ILS's answer (command `answer`)."""
        if not self._slots.acquire(timeout=self.config.timeout):
            raise Sip2Error("every SIP2 connection is busy")
        try:
            connection = self._connection()
            try:
                reply = self._exchange(connection, message, answer, changes)
            except BaseException:
                connection.close()
                raise
            connection.last_used = time.monotonic()
            with self._idle_lock:
                self._idle.append(connection)
            return reply
        finally:
            self._slots.release()

    def _connection(self) -> Connection:
        with self._idle_lock:
            while self._idle:
                connection = self._idle.pop()
                if connection.reusable():
                    return connection
                connection.close()
        config = self.config
        try:
            sock = socket.create_connection((config.host, config.port), timeout=config.timeout)
        except OSError as error:
            raise Sip2Error(f"cannot connect to the ILS at {config.host}:{config.port}: "
                            f"{error}") from error
        connection = Connection(sock, config)
        try:
            login = self._exchange(connection, Message("93", "00", (
                ("CN", config.user), ("CO", config.password), ("CP", config.location))), "94")
        except BaseException:
            connection.close()
            raise
        if login.fixed != "1":
            connection.close()
            raise Sip2Error(f"the ILS refused the SIP2 login of user {config.user!r}")
        return connection

    def _exchange(self, connection: Connection, message: Message, answer: str,
                  changes: bool = False) -> Message:
        failure = OutcomeUnknownError if changes else Sip2Error
        sequence = connection.sequence
        connection.sequence = (sequence + 1) % 10
        try:
            connection.send(message, sequence)
        except OSError as error:
            # Nothing (or not all) of it reached the ILS; a partial frame has no checksum.
            raise Sip2Error(f"cannot send to the ILS: {error}") from error
        try:
            return self._answer(connection, message, sequence, answer)
        except FrameError as error:
            raise failure(f"the ILS answered {message.command} unusably twice ({error})") \
                from error
        except OSError as error:  # timeouts included
            raise failure(f"no answer from the ILS to {message.command}: {error}") from error

    def _answer(self, connection: Connection, message: Message, sequence: int,
                answer: str) -> Message:
        retried = False
        while True:
            try:
                reply, echoed = decode(connection.receive(), self.config.encoding)
                if reply.command == "96" and not retried:
                    retried = True
                    connection.send(message, sequence)
                    continue
                if reply.command != answer or echoed != sequence:
                    raise FrameError(f"{reply.command} (sequence {echoed}) instead of "
                                     f"{answer} (sequence {sequence})")
                return reply
            except FrameError as error:
                if retried:
                    raise
                retried = True
                logger.warning("SIP2: unusable answer to %s (%s); asking the ILS to resend it",
                               message.command, error)
                connection.send(Message("97"), None)
