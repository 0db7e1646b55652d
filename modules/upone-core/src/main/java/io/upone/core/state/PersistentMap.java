package io.upone.core.state;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * An immutable hash map whose updates return a new map sharing all but the changed path with the
 * old one (a hash array mapped trie: 32-way nodes indexed by 5 bits of the hash at a time). The
 * projection keeps its maps in these so that publishing a view after each applied log entry costs
 * a few pointers, not a copy of 100,000 tasks, and a reader holding a view is never disturbed by
 * later writes.
 *
 * <p>Keys need a stable {@code hashCode}/{@code equals}; neither keys nor values may be null.
 */
public final class PersistentMap<K, V> {
  private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(Node.EMPTY, 0);
  private static final int BITS = 5;
  private static final int MASK = 31;

  private final Node root;
  private final int size;

  private PersistentMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  public static <K, V> PersistentMap<K, V> empty() {
    return (PersistentMap<K, V>) EMPTY;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return (V) root.find(key, hash(key), 0);
  }

  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /** This map with {@code key} mapped to {@code value} (this very map when nothing changes). */
  public PersistentMap<K, V> put(K key, V value) {
    if (key == null || value == null) throw new NullPointerException("null key or value");
    boolean[] added = new boolean[1];
    Node n = root.put(key, value, hash(key), 0, added);
    return n == root ? this : new PersistentMap<>(n, added[0] ? size + 1 : size);
  }

  /** This map without {@code key} (this very map when it had no such key). */
  public PersistentMap<K, V> remove(Object key) {
    Node n = root.remove(key, hash(key), 0);
    if (n == root) return this;
    return n == null ? empty() : new PersistentMap<>(n, size - 1);
  }

  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Cursor c = new Cursor(root);
    while (c.advance()) action.accept((K) c.slots[c.at], (V) c.slots[c.at + 1]);
  }

  /** The values, as an unmodifiable collection backed by this (immutable) map. */
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        return new Walk<>(root, true);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** The keys, as an unmodifiable collection backed by this (immutable) map. */
  public Collection<K> keys() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<K> iterator() {
        return new Walk<>(root, false);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  /**
   * A trie node: {@code bitmap} says which of the 32 slots are used; {@code slots} holds, per
   * used slot, a key and its value, or {@code null} and a child node. Where all 32 bits of two
   * hashes agree, a collision node holds the keys in a plain list.
   */
  private static class Node {
    static final Node EMPTY = new Node(0, new Object[0]);
    final int bitmap;
    final Object[] slots;

    Node(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }

    Object find(Object key, int hash, int shift) {
      int bit = 1 << ((hash >>> shift) & MASK);
      if ((bitmap & bit) == 0) return null;
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      Object k = slots[i];
      if (k == null) return ((Node) slots[i + 1]).find(key, hash, shift + BITS);
      return key.equals(k) ? slots[i + 1] : null;
    }

    Node put(Object key, Object value, int hash, int shift, boolean[] added) {
      int bit = 1 << ((hash >>> shift) & MASK);
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      if ((bitmap & bit) == 0) {
        Object[] s = new Object[slots.length + 2];
        System.arraycopy(slots, 0, s, 0, i);
        s[i] = key;
        s[i + 1] = value;
        System.arraycopy(slots, i, s, i + 2, slots.length - i);
        added[0] = true;
        return new Node(bitmap | bit, s);
      }
      Object k = slots[i];
      Object v = slots[i + 1];
      if (k == null) {
        Node child = (Node) v;
        Node next = child.put(key, value, hash, shift + BITS, added);
        return next == child ? this : with(i, null, next);
      }
      if (key.equals(k)) return v == value ? this : with(i, k, value);
      added[0] = true;
      return with(i, null, pair(k, v, PersistentMap.hash(k), key, value, hash, shift + BITS));
    }

    /** A node holding two keys that shared every bit of hash down to {@code shift}. */
    static Node pair(Object k1, Object v1, int h1, Object k2, Object v2, int h2, int shift) {
      if (shift >= 32) return new Collisions(h1, new Object[] {k1, v1, k2, v2});
      int b1 = (h1 >>> shift) & MASK;
      int b2 = (h2 >>> shift) & MASK;
      if (b1 == b2) return new Node(1 << b1, new Object[] {null, pair(k1, v1, h1, k2, v2, h2, shift + BITS)});
      return b1 < b2 ? new Node((1 << b1) | (1 << b2), new Object[] {k1, v1, k2, v2})
          : new Node((1 << b1) | (1 << b2), new Object[] {k2, v2, k1, v1});
    }

    /** This node without the key, or null when it ends up empty. */
    Node remove(Object key, int hash, int shift) {
      int bit = 1 << ((hash >>> shift) & MASK);
      if ((bitmap & bit) == 0) return this;
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      Object k = slots[i];
      if (k == null) {
        Node child = (Node) slots[i + 1];
        Node next = child.remove(key, hash, shift + BITS);
        if (next == child) return this;
        if (next == null) return without(bit, i);
        // a child left with one key and no children folds back into this node: the trie stays canonical
        if (next.slots.length == 2 && next.slots[0] != null) return with(i, next.slots[0], next.slots[1]);
        return with(i, null, next);
      }
      if (!key.equals(k)) return this;
      return without(bit, i);
    }

    Node with(int i, Object k, Object v) {
      Object[] s = slots.clone();
      s[i] = k;
      s[i + 1] = v;
      return new Node(bitmap, s);
    }

    Node without(int bit, int i) {
      if (slots.length == 2) return null;
      Object[] s = new Object[slots.length - 2];
      System.arraycopy(slots, 0, s, 0, i);
      System.arraycopy(slots, i + 2, s, i, slots.length - i - 2);
      return new Node(bitmap ^ bit, s);
    }
  }

  /** Keys whose 32-bit hashes are equal: a short list searched by equals. */
  private static final class Collisions extends Node {
    final int hash;

    Collisions(int hash, Object[] kvs) {
      super(0, kvs);
      this.hash = hash;
    }

    @Override
    Object find(Object key, int h, int shift) {
      for (int i = 0; i < slots.length; i += 2) if (key.equals(slots[i])) return slots[i + 1];
      return null;
    }

    @Override
    Node put(Object key, Object value, int h, int shift, boolean[] added) {
      for (int i = 0; i < slots.length; i += 2) {
        if (key.equals(slots[i])) {
          if (slots[i + 1] == value) return this;
          Object[] s = slots.clone();
          s[i + 1] = value;
          return new Collisions(hash, s);
        }
      }
      Object[] s = java.util.Arrays.copyOf(slots, slots.length + 2);
      s[slots.length] = key;
      s[slots.length + 1] = value;
      added[0] = true;
      return new Collisions(hash, s);
    }

    @Override
    Node remove(Object key, int h, int shift) {
      for (int i = 0; i < slots.length; i += 2) {
        if (key.equals(slots[i])) {
          if (slots.length == 2) return null;
          Object[] s = new Object[slots.length - 2];
          System.arraycopy(slots, 0, s, 0, i);
          System.arraycopy(slots, i + 2, s, i, slots.length - i - 2);
          // one key left: its parent folds it in like any other single-key node
          return new Collisions(hash, s);
        }
      }
      return this;
    }
  }

  /**
   * Depth-first over the trie without allocating per entry: after {@link #advance()} returns
   * true, {@link #slots} and {@link #at} name the current key ({@code slots[at]}) and value
   * ({@code slots[at + 1]}). The trie is at most 8 levels deep (7 of 5 bits, then collisions).
   */
  private static final class Cursor {
    private final Object[][] stack = new Object[9][];
    private final int[] pos = new int[9];
    private int depth;
    Object[] slots;
    int at;

    Cursor(Node root) {
      stack[0] = root.slots;
      pos[0] = 0;
    }

    boolean advance() {
      while (depth >= 0) {
        Object[] s = stack[depth];
        int i = pos[depth];
        if (i >= s.length) {
          depth--;
          continue;
        }
        pos[depth] = i + 2;
        if (s[i] == null) {
          depth++;
          stack[depth] = ((Node) s[i + 1]).slots;
          pos[depth] = 0;
        } else {
          slots = s;
          at = i;
          return true;
        }
      }
      return false;
    }
  }

  /** Keys ({@code value} false) or values of the trie, in trie order. */
  private static final class Walk<T> implements Iterator<T> {
    private final Cursor cursor;
    private final int offset;
    private boolean ready;
    private boolean more;

    Walk(Node root, boolean value) {
      this.cursor = new Cursor(root);
      this.offset = value ? 1 : 0;
    }

    @Override
    public boolean hasNext() {
      if (!ready) {
        more = cursor.advance();
        ready = true;
      }
      return more;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
      if (!hasNext()) throw new NoSuchElementException();
      ready = false;
      return (T) cursor.slots[cursor.at + offset];
    }
  }
}
