//! A uniform grid over the flow plane: which items (node cards, edge curves) lie in which cells,
//! so the view finds what is visible, and what is under the pointer, without looking at every
//! item.

use std::collections::HashMap;

use super::geometry::{Bounds, Point};

/// Cell size in flow units: a few cards wide, so a card touches one to four cells.
pub const CELL: f64 = 512.0;

/// Items by cell. Items are identified by a `u32` the caller assigns (an index into its own
/// list).
#[derive(Debug, Default, Clone)]
pub struct Grid {
    cells: HashMap<(i32, i32), Vec<u32>>,
    /// Each item's bounds, to filter candidates exactly and to move or remove it.
    items: HashMap<u32, Bounds>,
}

fn cell_of(x: f64, y: f64) -> (i32, i32) {
    ((x / CELL).floor() as i32, (y / CELL).floor() as i32)
}

fn cells(bounds: &Bounds) -> impl Iterator<Item = (i32, i32)> {
    let (x0, y0) = cell_of(bounds.min.x, bounds.min.y);
    let (x1, y1) = cell_of(bounds.max.x, bounds.max.y);
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

fn overlaps(a: &Bounds, b: &Bounds) -> bool {
    a.min.x <= b.max.x && b.min.x <= a.max.x && a.min.y <= b.max.y && b.min.y <= a.max.y
}

impl Grid {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds or moves `item` to `bounds`.
    pub fn insert(&mut self, item: u32, bounds: Bounds) {
        self.remove(item);
        for cell in cells(&bounds) {
            self.cells.entry(cell).or_default().push(item);
        }
        self.items.insert(item, bounds);
    }

    pub fn remove(&mut self, item: u32) {
        let Some(bounds) = self.items.remove(&item) else { return };
        for cell in cells(&bounds) {
            if let Some(list) = self.cells.get_mut(&cell) {
                list.retain(|&i| i != item);
                if list.is_empty() {
                    self.cells.remove(&cell);
                }
            }
        }
    }

    /// Items whose bounds intersect `area`, each once, in ascending order.
    pub fn query(&self, area: &Bounds) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for cell in cells(area) {
            if let Some(list) = self.cells.get(&cell) {
                found.extend(
                    list.iter()
                        .copied()
                        .filter(|i| self.items.get(i).is_some_and(|b| overlaps(b, area))),
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Items containing `point`.
    pub fn at(&self, point: Point) -> Vec<u32> {
        self.query(&Bounds { min: point, max: point })
    }

    pub fn bounds(&self, item: u32) -> Option<Bounds> {
        self.items.get(&item).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Bounds {
        Bounds { min: Point::new(x, y), max: Point::new(x + w, y + h) }
    }

    #[test]
    fn finds_exactly_what_intersects() {
        let mut grid = Grid::default();
        grid.insert(0, rect(0.0, 0.0, 220.0, 72.0));
        grid.insert(1, rect(500.0, 0.0, 220.0, 72.0)); // spans two cells
        grid.insert(2, rect(-2000.0, -2000.0, 220.0, 72.0));
        grid.insert(3, rect(5000.0, 5000.0, 220.0, 72.0));
        assert_eq!(grid.query(&rect(-10.0, -10.0, 800.0, 100.0)), vec![0, 1]);
        assert_eq!(grid.query(&rect(600.0, 10.0, 10.0, 10.0)), vec![1]);
        assert_eq!(grid.query(&rect(300.0, 300.0, 10.0, 10.0)), Vec::<u32>::new());
        assert_eq!(grid.at(Point::new(-1900.0, -1950.0)), vec![2]);
        assert_eq!(grid.len(), 4);
    }

    #[test]
    fn moved_and_removed_items_leave_their_old_cells() {
        let mut grid = Grid::default();
        grid.insert(7, rect(0.0, 0.0, 100.0, 100.0));
        grid.insert(7, rect(3000.0, 3000.0, 100.0, 100.0));
        assert!(grid.query(&rect(0.0, 0.0, 200.0, 200.0)).is_empty());
        assert_eq!(grid.query(&rect(2900.0, 2900.0, 400.0, 400.0)), vec![7]);
        grid.remove(7);
        assert!(grid.is_empty());
        assert!(grid.cells.is_empty(), "no empty cells are kept");
    }

    #[test]
    fn agrees_with_a_linear_scan() {
        let mut grid = Grid::default();
        let mut all = Vec::new();
        let mut seed = 12345u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 20_000) as f64 - 10_000.0
        };
        for i in 0..2_000u32 {
            let b = rect(next(), next(), 220.0, 72.0);
            grid.insert(i, b);
            all.push(b);
        }
        for _ in 0..50 {
            let area = rect(next(), next(), 1400.0, 900.0);
            let expected: Vec<u32> =
                (0..2_000u32).filter(|&i| overlaps(&all[i as usize], &area)).collect();
            assert_eq!(grid.query(&area), expected);
        }
    }
}
