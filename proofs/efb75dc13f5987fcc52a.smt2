; corpus/equivalent/x86_64-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x196 (bvsub RSP (_ bv8 64))))
(let ((?x187 (bvadd ?x196 (_ bv8 64))))
(let (($x78 (and (distinct ?x187 RSP) true)))
(let (($x116 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x145 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x157 (= TF (_ bv0 1))))
(let (($x79 (= VM (_ bv0 1))))
(let (($x41 (= DF (_ bv0 1))))
(and $x41 $x79 $x157 $x145 (or $x116 $x78)))))))))))
(check-sat)
