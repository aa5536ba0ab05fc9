// Package decode turns captured frames into the packet fields the sensor uses, with a
// gopacket DecodingLayerParser over preallocated layers so that no per-packet
// gopacket.Packet is built.
//
// It reads Ethernet (or raw IP) frames with 802.1Q tags, IPv4 and IPv6, and TCP and UDP.
// Other protocols decode as far as the parser supports them and are reported as not TCP/UDP.
package decode
