// Package flow tracks TCP and UDP flows and reassembles each direction of a TCP flow into
// an in-order byte stream.
//
// A Table maps a direction-independent Key to per-flow state and expires flows that stay
// idle. A Reassembler puts the segments of one direction back in order: it drops bytes
// already delivered (retransmissions), buffers a bounded number of early segments, and
// skips a gap it cannot fill, reporting the skip so that the consumer can resynchronise.
package flow
