//! The observation table of L* for Mealy machines.
//!
//! Rows are words: the short prefixes `S` (one per state of the hypothesis, pairwise
//! distinct rows) and their one-input extensions `S·I`. Columns are suffixes `E`, every
//! single input among them. The cell of row `u` and column `e` is the outputs of the last
//! `|e|` steps of the word `u·e`. The table is closed when every extension's row equals
//! some short prefix's row; the hypothesis then has a state per short prefix.

use crate::{Failure, LearnError, Mealy, Queries, Teacher, Word};

/// A hypothesis: the machine and each state's access word (its short prefix).
#[derive(Debug, Clone)]
pub(crate) struct Hypothesis<O> {
    pub machine: Mealy<O>,
    pub access: Vec<Word>,
}

/// The table's rows and columns; the cells live in the query cache.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    inputs: usize,
    short: Vec<Word>,
    suffixes: Vec<Word>,
}

fn joined(a: &[usize], b: &[usize]) -> Word {
    a.iter().chain(b).copied().collect()
}

impl Table {
    pub fn new(inputs: usize) -> Table {
        Table {
            inputs,
            short: vec![Vec::new()],
            suffixes: (0..inputs).map(|i| vec![i]).collect(),
        }
    }

    fn extensions(&self) -> Vec<Word> {
        self.short
            .iter()
            .flat_map(|u| (0..self.inputs).map(move |i| joined(u, &[i])))
            .collect()
    }

    fn row<T: Teacher>(&self, queries: &Queries<'_, T>, word: &[usize]) -> Vec<Vec<T::Output>>
    where
        T::Input: Clone,
    {
        self.suffixes
            .iter()
            .map(|e| queries.tail(&joined(word, e), e.len()))
            .collect()
    }

    /// Fills and closes the table, then builds its hypothesis.
    pub fn close<T: Teacher>(
        &mut self,
        queries: &mut Queries<'_, T>,
        max_states: usize,
    ) -> Result<Hypothesis<T::Output>, Failure<T>>
    where
        T::Input: Clone,
    {
        loop {
            let extensions = self.extensions();
            let words: Vec<Word> = self
                .short
                .iter()
                .chain(&extensions)
                .flat_map(|u| self.suffixes.iter().map(move |e| joined(u, e)))
                .collect();
            queries.ensure(&words)?;
            let rows: Vec<Vec<Vec<T::Output>>> =
                self.short.iter().map(|u| self.row(queries, u)).collect();
            let unclosed = extensions
                .iter()
                .find(|u| !rows.contains(&self.row(queries, u)));
            match unclosed {
                Some(u) => {
                    self.short.push(u.clone());
                    if self.short.len() > max_states {
                        return Err(LearnError::TooManyStates(self.short.len()));
                    }
                }
                None => return Ok(self.hypothesis(queries, &rows)),
            }
        }
    }

    fn hypothesis<T: Teacher>(
        &self,
        queries: &Queries<'_, T>,
        rows: &[Vec<Vec<T::Output>>],
    ) -> Hypothesis<T::Output>
    where
        T::Input: Clone,
    {
        let next = self
            .short
            .iter()
            .enumerate()
            .map(|(state, u)| {
                (0..self.inputs)
                    .map(|i| {
                        let row = self.row(queries, &joined(u, &[i]));
                        let to = rows.iter().position(|r| *r == row).expect("closed");
                        // Column `i` is the single input `i`.
                        (to, rows[state][i][0].clone())
                    })
                    .collect()
            })
            .collect();
        Hypothesis {
            machine: Mealy::new(self.inputs, next).expect("complete by construction"),
            access: self.short.clone(),
        }
    }

    /// Adds the suffixes of `counterexample` after its longest prefix among the rows
    /// (Shahbaz and Groz): the new columns split a row the hypothesis merged.
    pub fn add_counterexample(&mut self, counterexample: &[usize]) {
        let in_rows = |n: usize| {
            let prefix = &counterexample[..n];
            self.short.iter().any(|s| s == prefix)
                || (n > 0 && self.short.iter().any(|s| s == &counterexample[..n - 1]))
        };
        let start = (0..=counterexample.len())
            .rev()
            .find(|&n| in_rows(n))
            .unwrap_or(0);
        let rest = &counterexample[start..];
        for from in 0..rest.len() {
            let suffix = rest[from..].to_vec();
            if !self.suffixes.contains(&suffix) {
                self.suffixes.push(suffix);
            }
        }
    }
}
