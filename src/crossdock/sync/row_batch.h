// RowBatch: a block of rows whose cells are text held in one arena, the unit that flows from
// a source to the encoders. Filling and reading a batch allocates only when the arena or the
// cell table grows, and a cleared batch keeps its capacity, so a run reuses one batch for
// millions of rows. Cells are read by (row, column); a NULL cell is distinct from "".
// Not thread-safe; a batch belongs to one run's pipeline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crossdock::sync {

class RowBatch {
 public:
  explicit RowBatch(size_t columns = 0) : columns_(columns) {}

  void Reset(size_t columns) {
    columns_ = columns;
    Clear();
  }
  void Clear() {
    arena_.clear();
    cells_.clear();
    rows_ = 0;
  }

  size_t columns() const { return columns_; }
  size_t rows() const { return rows_; }
  // Bytes of cell text held (a rough size of the batch).
  size_t bytes() const { return arena_.size(); }

  // Appending: cells of the current row left to right, then EndRow(). EndRow pads a short row
  // with NULLs; a caller that added too many cells gets false (the row is dropped).
  void Add(std::string_view value) {
    cells_.push_back(
        Cell{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(value.size()), false});
    arena_.append(value);
  }
  // Appends space for a value the caller writes in place (used by decoders that unescape).
  char* AddUninitialized(size_t size) {
    cells_.push_back(
        Cell{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(size), false});
    arena_.resize(arena_.size() + size);
    return arena_.data() + arena_.size() - size;
  }
  // Shrinks the last cell to `size` bytes (after an in-place unescape wrote fewer).
  void TrimLast(size_t size) {
    Cell& c = cells_.back();
    arena_.resize(c.offset + size);
    c.size = static_cast<uint32_t>(size);
  }
  void AddNull() { cells_.push_back(Cell{static_cast<uint32_t>(arena_.size()), 0, true}); }
  bool EndRow() {
    size_t want = (rows_ + 1) * columns_;
    if (cells_.size() > want) {
      cells_.resize(rows_ * columns_);
      return false;
    }
    while (cells_.size() < want) AddNull();
    ++rows_;
    return true;
  }
  // Drops cells added since the last EndRow().
  void AbandonRow() { cells_.resize(rows_ * columns_); }

  bool IsNull(size_t row, size_t col) const { return cells_[row * columns_ + col].null; }
  std::string_view Value(size_t row, size_t col) const {
    const Cell& c = cells_[row * columns_ + col];
    return std::string_view(arena_.data() + c.offset, c.size);
  }

 private:
  struct Cell {
    uint32_t offset;
    uint32_t size;
    bool null;
  };
  size_t columns_;
  size_t rows_ = 0;
  std::string arena_;
  std::vector<Cell> cells_;
};

}  // namespace crossdock::sync
