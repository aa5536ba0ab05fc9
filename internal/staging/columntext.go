package staging

import (
	"encoding/binary"
)

// texts appends one BYTE_ARRAY value per row. In an OPTIONAL column an empty string is NULL.
// A page still ends right after the row that fills it, as with one value at a time.
func (c *column) texts(vs []string) {
	for len(vs) > 0 {
		if c.dict != nil && !c.dictOff {
			n := c.dictionaryRun(vs)
			vs = vs[n:]
			full := c.dict.full()
			if (full || c.pageRows >= dictionaryPageRows) && c.err == nil {
				c.err = c.flushPage()
			}
			c.dictOff = full
			continue
		}

		n := c.textRun(vs)
		vs = vs[n:]
		if len(c.values) >= pageValueBytes && c.err == nil {
			c.err = c.flushPage()
		}
	}
}

// dictionaryRun appends values from vs as dictionary indices until the page or the dictionary
// is full or vs ends, and returns how many. Only a value new to the chunk can change its bounds.
func (c *column) dictionaryRun(vs []string) int {
	d := c.dict
	levels := c.def.levels
	optional := c.maxDef > 0
	nulls, n := 0, 0
	for _, v := range vs {
		n++
		if optional {
			if v == "" {
				levels = append(levels, 0)
				nulls++
				continue
			}
			levels = append(levels, c.maxDef)
		}

		k := stringKey(v)
		index, added := d.index(v, k)
		d.indices = append(d.indices, index)
		if added {
			c.stats.addTextBound(v, k)
			if d.full() {
				break
			}
		}
		if c.pageRows+n >= dictionaryPageRows {
			break
		}
	}

	c.def.levels = levels
	c.pageLevels += n
	c.pageNulls += nulls
	c.pageRows += n
	return n
}

// indexPage reports whether the page being filled contains dictionary indices.
func (c *column) indexPage() bool {
	return c.dict != nil && len(c.dict.indices) > 0
}

// textRun appends values from vs until the page is full or vs ends, and returns how many.
// The page's values and levels stay in local variables for the whole run.
func (c *column) textRun(vs []string) int {
	values, levels := c.values, c.def.levels
	optional := c.maxDef > 0
	nulls, n := 0, 0
	for _, v := range vs {
		n++
		if optional {
			if v == "" {
				levels = append(levels, 0)
				nulls++
				continue
			}
			levels = append(levels, c.maxDef)
		}
		values = binary.LittleEndian.AppendUint32(values, uint32(len(v)))
		values = append(values, v...)
		c.stats.addText(v)
		if len(values) >= pageValueBytes {
			break
		}
	}

	c.values, c.def.levels = values, levels
	c.pageLevels += n
	c.pageNulls += nulls
	c.pageRows += n
	return n
}
