// Package ship moves the sensor's output files into the lake's raw store.
//
// A Shipper tails each file (following logrotate-style rotation, path -> path.1), cuts its
// complete lines into batches by size and age, gzips each batch and writes it as one object
// under a Hive key, source=<source>/date=<YYYY-MM-DD>/<host>-<first event>-<seq>.json.gz.
//
// A restart neither loses nor repeats lines while the file of a pending batch still exists
// (the state file names it by inode, among path, path.1 .. path.9). A batch is always one byte
// range of one file, so
// before an upload the shipper records the range and its key in the state file, and after
// the upload it advances the committed offset. A restart re-sends a recorded range under the
// same key, which overwrites the object instead of adding a second copy, and then reads on
// from the committed offset.
package ship
