// Package rawobject streams the lines of a raw object from the raw bucket or the local lake.
//
// Gzip is chosen by the magic bytes 1f 8b, never by the key's suffix, and every member of a
// multi-member stream is read. Two caps protect the process from hostile input: the total
// decompressed size (a gzip bomb becomes an object error) and the length of one line (a
// runaway line becomes a bad line and reading resumes after its newline). Lines end with \n
// or \r\n; a final line without a newline is still a line. An empty object has no lines.
package rawobject
