; corpus/not-equivalent/x86_64-invlpg-wrong-address.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun RDI () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1011 (bvsub RSP (_ bv8 64))))
(let ((?x590 (bvadd ?x1011 (_ bv8 64))))
(let (($x869 (and (distinct ?x590 RSP) true)))
(let ((?x837 (bvadd (_ bv8 64) RDI)))
(let ((?x101 (bvadd (_ bv0 64) RDI)))
(let (($x5122 (and (distinct ?x101 ?x837) true)))
(let (($x441 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1314 (= VM (_ bv0 1))))
(let (($x949 (= DF (_ bv0 1))))
(and $x949 $x1314 (or $x441 $x5122 $x869))))))))))))
(check-sat)
