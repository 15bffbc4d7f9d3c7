; corpus/not-equivalent/x86_64-outb-wrong-port.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x5581 (bvsub RSP (_ bv8 64))))
(let ((?x937 (bvadd ?x5581 (_ bv8 64))))
(let (($x6459 (and (distinct ?x937 RSP) true)))
(let (($x863 (and (distinct (_ bv128 16) (_ bv129 16)) true)))
(let (($x6197 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x1251 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x1854 (= TF (_ bv0 1))))
(let (($x3491 (= VM (_ bv0 1))))
(let (($x3494 (= DF (_ bv0 1))))
(and $x3494 $x3491 $x1854 $x1251 (or $x6197 $x863 $x6459))))))))))))
(check-sat)
