; corpus/history/2.6.24-5.12-x86/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x32 (bvsub RSP (_ bv8 64))))
(let ((?x864 (bvadd ?x32 (_ bv8 64))))
(let (($x279 (and (distinct ?x864 RSP) true)))
(let (($x375 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x284 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x133 (= TF (_ bv0 1))))
(let (($x112 (= VM (_ bv0 1))))
(let (($x134 (= DF (_ bv0 1))))
(and $x134 $x112 $x133 $x284 (or $x375 $x279)))))))))))
(check-sat)
