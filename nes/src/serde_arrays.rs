//! serde for fixed-size arrays longer than 32 (which serde's derive does not cover): written
//! as a sequence, read back with a length check.

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) fn serialize<S: Serializer, T: Serialize, const N: usize>(
    a: &[T; N],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(a.iter())
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<[T; N], D::Error> {
    let v: Vec<T> = Vec::deserialize(d)?;
    let len = v.len();
    v.try_into()
        .map_err(|_| D::Error::invalid_length(len, &"an array of the PPU's size"))
}
